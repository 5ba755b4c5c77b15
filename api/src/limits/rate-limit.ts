// Per-business rate limits (express-rate-limit's stores), counted in Redis so every instance shares
// them: secret keys and sessions by plan, publishable keys by plan's widget allowance, auth
// endpoints by IP. If Redis fails, requests pass (logged) and the API keeps serving.
import type { RequestHandler, Request } from "express";
import { createHash } from "node:crypto";
import { ipKeyGenerator, MemoryStore, type Store, type Options, type IncrementResponse } from "express-rate-limit";
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
  // A secret key counts against its own business even on routes that name none (GET
  // /v1/businesses): never against an address other tenants may share.
  const business = fd.tenant?.business ?? (fd.principal.kind === "secretKey" ? fd.principal.business : undefined);
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

const PARTITION_KEYS_MAX = 10_000;

/**
 * The limiter itself: one store increment per request and the IETF draft-8 headers exactly as
 * express-rate-limit wrote them (`RateLimit: "api"; r=…; t=…`, `RateLimit-Policy: "api";
 * q=…; w=…; pk=:…:`), without its chain of awaited option callbacks and a SHA-256 per
 * request (the partition key is remembered per bucket).
 */
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
  try {
    void Promise.resolve(store.init?.({ windowMs: settings.windowMs } as Options)).catch((err) =>
      deps.logger.warn({ err: String(err) }, "rate limit store could not start"),
    );
  } catch (err) {
    deps.logger.warn({ err: String(err) }, "rate limit store could not start");
  }
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
      const { totalHits, resetTime } = await store.increment(bucket.key);
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
