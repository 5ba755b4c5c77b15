// Resolves bearer keys to their business. Secret keys are looked up by their HMAC; answers are
// kept in-process for a few seconds (the hot path of every API call), by the key as presented
// (the HMAC is made only to look one up), and dropped on every instance at once when a key is
// revoked or rotated, via the cache's pub/sub. Requests arriving while a key is looked up
// wait for that one lookup instead of each making their own.
import type { ApiKey, Business, WidgetKey } from "@prisma/client";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { hashApiKey, isPublishableKeyShaped, isSecretKeyShaped, KEY_LAST_USED_INTERVAL_MS, keyIsLive } from "@frontdesk/core/auth/api-keys";

import { BUSINESS_CHANGED_CHANNEL as INVALIDATE_CHANNEL } from "@frontdesk/core/business/business-changed";
const CACHE_TTL_MS = 10_000;
const CACHE_MAX = 10_000;

type SecretKeyRow = Pick<ApiKey, "id" | "businessId" | "name" | "scopes" | "expiresAt" | "revokedAt">;
type WidgetKeyRow = Pick<WidgetKey, "id" | "businessId" | "widgets" | "allowedOrigins" | "revokedAt">;

interface Cached<T> {
  value: T | null;
  business: Business | null;
  at: number;
}

/** Answers kept per key, and the lookups under way (one per key). */
class AnswerCache<T> {
  readonly answers = new Map<string, Cached<T>>();
  private readonly pending = new Map<string, Promise<Cached<T>>>();
  constructor(private readonly now: () => number) {}

  async get(key: string, lookup: () => Promise<Omit<Cached<T>, "at">>): Promise<Cached<T>> {
    const entry = this.answers.get(key);
    if (entry && this.now() - entry.at <= CACHE_TTL_MS) return entry;
    let p = this.pending.get(key);
    if (!p) {
      const asked = this.now();
      p = lookup()
        .then((answer) => {
          const fresh = { ...answer, at: asked };
          // Not kept when the key's business was invalidated while it was looked up.
          if (this.pending.get(key) === p) this.remember(key, fresh);
          return fresh;
        })
        .finally(() => {
          if (this.pending.get(key) === p) this.pending.delete(key);
        });
      this.pending.set(key, p);
    }
    return p;
  }

  private remember(key: string, entry: Cached<T>) {
    if (this.answers.size >= CACHE_MAX) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, entry);
  }

  forget(matches: (entry: Cached<T>) => boolean) {
    for (const [k, v] of this.answers) if (matches(v)) this.answers.delete(k);
    // A lookup under way may have read the row before the change: its answer is not kept.
    this.pending.clear();
  }
}

export interface KeyResolver {
  secret(key: string): Promise<{ key: SecretKeyRow; business: Business } | null>;
  publishable(key: string): Promise<{ widgetKey: WidgetKeyRow; business: Business } | null>;
  /** Drops cached answers for a business's keys on every instance. */
  invalidate(businessId: string): Promise<void>;
  close(): Promise<void>;
}

export function createKeyResolver(deps: { db: Db; cache: Cache; appSecret: string; logger: Logger; now?: () => number }): KeyResolver {
  const { db, cache, appSecret, logger } = deps;
  const now = deps.now ?? Date.now;
  const secrets = new AnswerCache<SecretKeyRow>(now);
  const widgets = new AnswerCache<WidgetKeyRow>(now);
  const lastUsedWritten = new Map<string, number>();

  function forget(businessId: string) {
    for (const c of [secrets, widgets] as AnswerCache<{ businessId: string }>[]) c.forget((v) => !v.value || v.value.businessId === businessId);
  }
  let closed = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  // Not awaited: with Redis unreachable the subscription may never complete, and the
  // resolver works without it (cached answers then expire on their own).
  cache
    .subscribe(INVALIDATE_CHANNEL, (businessId) => forget(businessId))
    .then((u) => {
      if (closed) void u().catch(() => {});
      else unsubscribe = u;
    })
    .catch((err) => logger.warn({ err: String(err) }, "key invalidation channel unavailable; cached keys expire on their own"));

  // lastUsedAt is written at most once a minute per key across instances: the conditional
  // UPDATE is the cross-instance guard, the map keeps this instance from even asking.
  function touch(keyId: string) {
    const t = now();
    if (t - (lastUsedWritten.get(keyId) ?? 0) < KEY_LAST_USED_INTERVAL_MS) return;
    lastUsedWritten.set(keyId, t);
    if (lastUsedWritten.size > CACHE_MAX) lastUsedWritten.delete(lastUsedWritten.keys().next().value!);
    db.$executeRaw`UPDATE "ApiKey" SET "lastUsedAt" = now()
      WHERE id = ${keyId} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < now() - make_interval(secs => ${KEY_LAST_USED_INTERVAL_MS / 1000}))`
      .catch((err) => logger.warn({ err: String(err), keyId }, "could not record key use"));
  }

  return {
    async secret(key) {
      if (!isSecretKeyShaped(key)) return null;
      const { value, business } = await secrets.get(key, async () => {
        const row = await db.apiKey.findUnique({
          where: { hash: hashApiKey(key, appSecret) },
          select: { id: true, businessId: true, name: true, scopes: true, expiresAt: true, revokedAt: true, business: true },
        });
        const { business, ...value } = row ?? { business: null };
        return { value: row ? (value as SecretKeyRow) : null, business };
      });
      if (!value || !business || business.deletedAt || !keyIsLive(value, new Date(now()))) return null;
      touch(value.id);
      return { key: value, business };
    },
    async publishable(key) {
      if (!isPublishableKeyShaped(key)) return null;
      const { value, business } = await widgets.get(key, async () => {
        const row = await db.widgetKey.findUnique({
          where: { key },
          select: { id: true, businessId: true, widgets: true, allowedOrigins: true, revokedAt: true, business: true },
        });
        const { business, ...value } = row ?? { business: null };
        return { value: row ? (value as WidgetKeyRow) : null, business };
      });
      if (!value || !business || business.deletedAt || value.revokedAt) return null;
      return { widgetKey: value, business };
    },
    async invalidate(businessId) {
      forget(businessId);
      await cache.publish(INVALIDATE_CHANNEL, businessId).catch((err) => {
        logger.warn({ err: String(err), businessId }, "could not broadcast key invalidation; other instances catch up within seconds");
      });
    },
    async close() {
      closed = true;
      await unsubscribe?.().catch(() => {});
    },
  };
}
