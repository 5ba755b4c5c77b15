// Per-business rate limits, counted in Redis (one script call per request) so every instance
// shares them: secret keys and sessions by plan, publishable keys by plan's widget allowance,
// auth endpoints by IP. If Redis fails, requests pass (logged) and the API keeps serving.
import type { RequestHandler, Request } from "express";
import { createHash } from "node:crypto";
import { ipKeyGenerator } from "express-rate-limit";
import type { Redis } from "ioredis";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { planLimits } from "@frontdesk/core/billing/plans";
import { ApiError } from "../http/api-error.ts";

export interface RateLimitSettings {
  /** Sign-up and login attempts per IP per window. */
  authPerIp: number;
  /** Requests per window of a session user on user-level routes (no business). */
  perUser: number;
  windowMs: number;
  /** A store call slower than this counts as a failure (and the request passes). */
  storeTimeoutMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = { authPerIp: 20, perUser: 600, windowMs: 60_000, storeTimeoutMs: 500 };

interface Bucket {
  policy: string;
  key: string;
  limit: number;
}

function bucketFor(req: Request, settings: RateLimitSettings): Bucket | null {
  const fd = req.fd;
  if (!fd || fd.op.rateLimit === "none") return null;
  // Only when needed: req.ip walks the proxy chain.
  const ip = () => ipKeyGenerator(req.ip ?? "unknown");
  if (fd.op.rateLimit === "auth") return { policy: "auth", key: `auth:${ip()}`, limit: settings.authPerIp };
  // A secret key counts against its own business even on routes that name none (GET
  // /v1/businesses): never against an address other tenants may share.
  const business = fd.tenant?.business ?? (fd.principal.kind === "secretKey" ? fd.principal.business : undefined);
  if (fd.op.rateLimit === "widget" && business) {
    return { policy: "widget", key: `widget:${business.id}`, limit: planLimits(business.plan).widgetRequestsPerMinute * (settings.windowMs / 60_000) };
  }
  if (business) return { policy: "api", key: `api:${business.id}`, limit: planLimits(business.plan).apiRequestsPerMinute * (settings.windowMs / 60_000) };
  if (fd.principal.kind === "session") return { policy: "user", key: `user:${fd.principal.user.id}`, limit: settings.perUser };
  return { policy: "ip", key: `ip:${ip()}`, limit: settings.authPerIp };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`rate limit store did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Counts a hit in a fixed window; what the limiter needs of a store. */
export interface HitCounter {
  hit(key: string): Promise<{ totalHits: number; resetTime: Date }>;
}

// One round trip per request: count the hit and read (or start) its window in one script.
// ioredis sends it by EVALSHA and falls back to EVAL once if Redis has forgotten it.
const HIT_SCRIPT = `
local hits = redis.call("INCR", KEYS[1])
local ttl = redis.call("PTTL", KEYS[1])
if hits == 1 or ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }`;

type RedisWithHit = Redis & { fdRateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

export function redisHitCounter(redis: Redis, windowMs: number): HitCounter {
  const r = redis as RedisWithHit;
  if (typeof r.fdRateLimitHit !== "function") r.defineCommand("fdRateLimitHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
  return {
    async hit(key) {
      // The key is prefixed by the client's keyPrefix, so limits share the cache namespace.
      const [totalHits, ttl] = await r.fdRateLimitHit(`rl:${key}`, windowMs);
      return { totalHits, resetTime: new Date(Date.now() + ttl) };
    },
  };
}

/** Without Redis: counts in this process only. */
export function memoryHitCounter(windowMs: number, now: () => number = Date.now): HitCounter {
  const windows = new Map<string, { hits: number; resetAt: number }>();
  return {
    async hit(key) {
      const t = now();
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        if (windows.size >= 100_000) for (const [k, v] of windows) if (v.resetAt <= t) windows.delete(k);
        w = { hits: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.hits++;
      return { totalHits: w.hits, resetTime: new Date(w.resetAt) };
    },
  };
}

/**
 * Wraps a counter so that its failures let requests through: after a failure the counter is
 * not asked again for a second (so an outage costs no latency), and a warning is logged at
 * most every 10 s.
 */
export function failOpen(inner: HitCounter, logger: Logger, timeoutMs: number, windowMs: number): HitCounter {
  let openUntil = 0;
  let lastWarnAt = 0;
  const warn = (err: unknown) => {
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "rate limit store unavailable; allowing requests without limits");
  };
  const bypass = () => ({ totalHits: 1, resetTime: new Date(Date.now() + windowMs) });
  return {
    async hit(key) {
      if (Date.now() < openUntil) return bypass();
      try {
        return await withTimeout(inner.hit(key), timeoutMs);
      } catch (err) {
        openUntil = Date.now() + 1000;
        warn(err);
        return bypass();
      }
    },
  };
}

const PARTITION_KEYS_MAX = 10_000;

/**
 * The limiter itself: one counted hit per request and the IETF draft-8 headers exactly as
 * express-rate-limit wrote them (`RateLimit: "api"; r=…; t=…`, `RateLimit-Policy: "api";
 * q=…; w=…; pk=:…:`), without its chain of awaited option callbacks and a SHA-256 per
 * request (the partition key is remembered per bucket).
 */
export function createRateLimiter(deps: { cache: Cache; logger: Logger; settings?: Partial<RateLimitSettings> }): RequestHandler {
  const settings = { ...DEFAULT_RATE_LIMITS, ...deps.settings };
  const redis = (deps.cache as Cache & { client?: Redis }).client;
  const store = redis
    ? failOpen(redisHitCounter(redis, settings.windowMs), deps.logger, settings.storeTimeoutMs, settings.windowMs)
    : memoryHitCounter(settings.windowMs);
  const windowSeconds = Math.ceil(settings.windowMs / 1000);
  const partitionKeys = new Map<string, string>();
  const partitionKey = (key: string) => {
    let pk = partitionKeys.get(key);
    if (pk === undefined) {
      pk = Buffer.from(createHash("sha256").update(key).digest("hex").slice(0, 12)).toString("base64");
      if (partitionKeys.size >= PARTITION_KEYS_MAX) partitionKeys.delete(partitionKeys.keys().next().value!);
      partitionKeys.set(key, pk);
    }
    return pk;
  };
  return async (req, res, next) => {
    try {
      const bucket = bucketFor(req, settings);
      if (!bucket) return next();
      const { totalHits, resetTime } = await store.hit(bucket.key);
      const remaining = Math.max(bucket.limit - totalHits, 0);
      const resetSeconds = resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : windowSeconds;
      if (!res.headersSent) {
        res.append("RateLimit", `"${bucket.policy}"; r=${remaining}; t=${resetSeconds}`);
        res.append("RateLimit-Policy", `"${bucket.policy}"; q=${bucket.limit}; w=${windowSeconds}; pk=:${partitionKey(bucket.key)}:`);
      }
      if (totalHits <= bucket.limit) return next();
      const retryAfter = String(resetSeconds);
      next(
        new ApiError("rate_limited", "rate_limited", {
          userMessage: `Too many requests for this ${bucket.policy === "auth" ? "address" : "business"}; retry after ${retryAfter} s.`,
          headers: { "Retry-After": retryAfter },
        }),
      );
    } catch (err) {
      next(err);
    }
  };
}
