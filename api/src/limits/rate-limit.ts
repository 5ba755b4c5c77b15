// Per-business rate limits (express-rate-limit), counted in Redis so every instance shares
// them: secret keys and sessions by plan, publishable keys by plan's widget allowance, auth
// endpoints by IP. If Redis fails, requests pass (logged) and the API keeps serving.
import type { RequestHandler, Request } from "express";
import { rateLimit, ipKeyGenerator, MemoryStore, type Store, type Options, type IncrementResponse } from "express-rate-limit";
import { RedisStore } from "rate-limit-redis";
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
  const ip = ipKeyGenerator(req.ip ?? "unknown");
  if (fd.op.rateLimit === "auth") return { policy: "auth", key: `auth:${ip}`, limit: settings.authPerIp };
  const business = fd.tenant?.business;
  if (fd.op.rateLimit === "widget" && business) {
    return { policy: "widget", key: `widget:${business.id}`, limit: planLimits(business.plan).widgetRequestsPerMinute * (settings.windowMs / 60_000) };
  }
  if (business) return { policy: "api", key: `api:${business.id}`, limit: planLimits(business.plan).apiRequestsPerMinute * (settings.windowMs / 60_000) };
  if (fd.principal.kind === "session") return { policy: "user", key: `user:${fd.principal.user.id}`, limit: settings.perUser };
  return { policy: "ip", key: `ip:${ip}`, limit: settings.authPerIp };
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

/**
 * Wraps a store so that its failures let requests through: after a failure the store is not
 * asked again for a second (so an outage costs no latency), and a warning is logged at most
 * every 10 s. The wrapped store is re-initialised after a failure (Redis may have restarted
 * and forgotten its scripts).
 */
export function failOpenStore(inner: Store, logger: Logger, timeoutMs: number): Store {
  let options: Options | undefined;
  let ready: Promise<void> | undefined;
  let openUntil = 0;
  let lastWarnAt = 0;
  const warn = (err: unknown) => {
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "rate limit store unavailable; allowing requests without limits");
  };
  const init = () => (ready ??= Promise.resolve(options && inner.init?.(options)).then(() => undefined));
  return {
    init(o) {
      options = o;
      init().catch((err) => {
        ready = undefined;
        warn(err);
      });
    },
    async increment(key): Promise<IncrementResponse> {
      const bypass = () => ({ totalHits: 1, resetTime: new Date(Date.now() + (options?.windowMs ?? 60_000)) });
      if (Date.now() < openUntil) return bypass();
      try {
        await withTimeout(init(), timeoutMs);
        return await withTimeout(Promise.resolve(inner.increment(key)), timeoutMs);
      } catch (err) {
        ready = undefined;
        openUntil = Date.now() + 1000;
        warn(err);
        return bypass();
      }
    },
    async decrement(key) {
      await Promise.resolve(inner.decrement(key)).catch(() => {});
    },
    async resetKey(key) {
      await Promise.resolve(inner.resetKey(key)).catch(() => {});
    },
  };
}

export function createRateLimiter(deps: { cache: Cache; logger: Logger; settings?: Partial<RateLimitSettings> }): RequestHandler {
  const settings = { ...DEFAULT_RATE_LIMITS, ...deps.settings };
  const redis = (deps.cache as Cache & { client?: Redis }).client;
  const store: Store = redis
    ? failOpenStore(
        new RedisStore({
          prefix: "rl:",
          // ioredis applies the cache's key prefix to EVALSHA keys, so limits share the cache namespace.
          sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never,
        }),
        deps.logger,
        settings.storeTimeoutMs,
      )
    : new MemoryStore();
  const buckets = new WeakMap<Request, Bucket>();
  const bucket = (req: Request) => {
    let b = buckets.get(req);
    if (!b) {
      b = bucketFor(req, settings) ?? { policy: "none", key: "none", limit: Infinity };
      buckets.set(req, b);
    }
    return b;
  };
  return rateLimit({
    windowMs: settings.windowMs,
    store,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    identifier: (req) => bucket(req).policy,
    limit: (req) => bucket(req).limit,
    keyGenerator: (req) => bucket(req).key,
    skip: (req) => bucket(req).policy === "none",
    // The store wrapper already decides what a failure means.
    passOnStoreError: false,
    validate: { singleCount: false, positiveHits: false, limit: false },
    handler: (req, res, next) => {
      const retryAfter = String(res.getHeader("Retry-After") ?? Math.ceil(settings.windowMs / 1000));
      next(
        new ApiError("rate_limited", "rate_limited", {
          userMessage: `Too many requests for this ${bucket(req).policy === "auth" ? "address" : "business"}; retry after ${retryAfter} s.`,
          headers: { "Retry-After": retryAfter },
        }),
      );
    },
  });
}
