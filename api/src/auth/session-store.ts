// Dashboard sessions: a random token in an httpOnly SameSite cookie, its SHA-256 in
// UserSession. Expiry slides forward on use, written at most once a minute.
import type { Response } from "express";
import type { Db } from "@frontdesk/core/db/client";
import { hashToken, newToken, SESSION_COOKIE, SESSION_TOUCH_INTERVAL_MS, SESSION_TTL_MS } from "@frontdesk/core/auth/tokens";
import type { SessionPrincipal } from "../http/context.ts";

export interface SessionStore {
  create(userId: string, meta: { ip?: string; userAgent?: string }): Promise<{ token: string; tokenHash: string; expiresAt: Date }>;
  resolve(token: string): Promise<SessionPrincipal | null>;
  destroy(tokenHash: string): Promise<void>;
}

export function createSessionStore(db: Db, now: () => Date = () => new Date()): SessionStore {
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
      const row = await db.userSession.findUnique({
        where: { tokenHash },
        select: { id: true, expiresAt: true, lastSeenAt: true, user: { select: { id: true, email: true, name: true, createdAt: true } } },
      });
      const t = now();
      if (!row || row.expiresAt <= t) return null;
      let expiresAt = row.expiresAt;
      if (t.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
        expiresAt = new Date(t.getTime() + SESSION_TTL_MS);
        await db.userSession.update({ where: { id: row.id }, data: { lastSeenAt: t, expiresAt } }).catch(() => {});
      }
      return { kind: "session", user: row.user, sessionId: row.id, tokenHash, expiresAt };
    },
    async destroy(tokenHash) {
      await db.userSession.deleteMany({ where: { tokenHash } });
    },
  };
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: expiresAt });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "lax", secure, path: "/" });
}
