// Dashboard sessions: a random token in an httpOnly SameSite cookie, its SHA-256 in
// UserSession. Expiry slides forward on use, written at most once a minute. Resolved sessions
// are kept in-process for a few seconds (every dashboard request resolves one) and dropped on
// every instance at once on sign-out, via the cache's pub/sub.
import type { Response } from "express";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { hashToken, newToken, SESSION_COOKIE, SESSION_TOUCH_INTERVAL_MS, SESSION_TTL_MS } from "@frontdesk/core/auth/tokens";
import type { SessionPrincipal } from "../http/context.ts";

export interface SessionStore {
  create(userId: string, meta: { ip?: string; userAgent?: string }): Promise<{ token: string; tokenHash: string; expiresAt: Date }>;
  resolve(token: string): Promise<SessionPrincipal | null>;
  destroy(tokenHash: string): Promise<void>;
  /** Forgets a user's cached sessions on every instance (renamed, password changed or reset). */
  forgetUser(userId: string): Promise<void>;
  close(): Promise<void>;
}

const INVALIDATE_CHANNEL = "sessions:invalidate";
const USER_PREFIX = "user:";
const CACHE_TTL_MS = 10_000;
const CACHE_MAX = 10_000;

interface SessionRow {
  id: string;
  expiresAt: Date;
  lastSeenAt: Date;
  user: SessionPrincipal["user"];
}

export function createSessionStore(db: Db, opts: { cache?: Cache; logger?: Logger; now?: () => Date } = {}): SessionStore {
  const now = opts.now ?? (() => new Date());
  const cached = new Map<string, { row: SessionRow; at: number }>();
  let closed = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  // Not awaited: without Redis the store works, and cached sessions expire on their own.
  opts.cache
    ?.subscribe(INVALIDATE_CHANNEL, (message) => forget(message))
    .then((u) => {
      if (closed) void u().catch(() => {});
      else unsubscribe = u;
    })
    .catch((err) => opts.logger?.warn({ err: String(err) }, "session invalidation channel unavailable; cached sessions expire on their own"));

  // A message is a session's token hash, or `user:<id>` for every session of a user.
  function forget(message: string): void {
    if (!message.startsWith(USER_PREFIX)) return void cached.delete(message);
    const userId = message.slice(USER_PREFIX.length);
    for (const [hash, entry] of cached) if (entry.row.user.id === userId) cached.delete(hash);
  }

  async function broadcast(message: string): Promise<void> {
    await opts.cache?.publish(INVALIDATE_CHANNEL, message).catch((err) => {
      opts.logger?.warn({ err: String(err) }, "could not broadcast a session change; other instances see it within seconds");
    });
  }

  async function load(tokenHash: string): Promise<SessionRow | null> {
    const hit = cached.get(tokenHash);
    if (hit && now().getTime() - hit.at <= CACHE_TTL_MS) return hit.row;
    const row = await db.userSession.findUnique({
      where: { tokenHash },
      select: { id: true, expiresAt: true, lastSeenAt: true, user: { select: { id: true, email: true, name: true, createdAt: true } } },
    });
    // Unknown tokens are not remembered: guessing them must not fill the map.
    if (!row) return null;
    if (cached.size >= CACHE_MAX) cached.delete(cached.keys().next().value!);
    cached.set(tokenHash, { row, at: now().getTime() });
    return row;
  }

  return {
    async create(userId, meta) {
      const token = newToken();
      const tokenHash = hashToken(token);
      const expiresAt = new Date(now().getTime() + SESSION_TTL_MS);
      await db.userSession.create({
        data: { userId, tokenHash, expiresAt, ip: meta.ip?.slice(0, 100), userAgent: meta.userAgent?.slice(0, 500) },
      });
      return { token, tokenHash, expiresAt };
    },
    async resolve(token) {
      if (!token || token.length > 200) return null;
      const tokenHash = hashToken(token);
      const row = await load(tokenHash);
      const t = now();
      if (!row || row.expiresAt <= t) return null;
      if (t.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
        row.lastSeenAt = t;
        row.expiresAt = new Date(t.getTime() + SESSION_TTL_MS);
        // Only a session still alive in the database is extended: a cached copy must not revive one ended elsewhere.
        await db.userSession.updateMany({ where: { id: row.id, expiresAt: { gt: t } }, data: { lastSeenAt: t, expiresAt: row.expiresAt } }).catch(() => {});
      }
      return { kind: "session", user: row.user, sessionId: row.id, tokenHash, expiresAt: row.expiresAt };
    },
    async destroy(tokenHash) {
      cached.delete(tokenHash);
      await db.userSession.deleteMany({ where: { tokenHash } });
      await broadcast(tokenHash);
    },
    async forgetUser(userId) {
      forget(USER_PREFIX + userId);
      await broadcast(USER_PREFIX + userId);
    },
    async close() {
      closed = true;
      await unsubscribe?.().catch(() => {});
    },
  };
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: expiresAt });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "lax", secure, path: "/" });
}
