// Per-business rate limits, granted by Redis so every instance shares them: secret keys and
// sessions by plan, publishable keys by plan's widget allowance, auth endpoints by IP. Busy
// buckets take their hits from Redis a lease at a time (budget-lease.ts); per-IP buckets count
// every request in Redis. If Redis fails, requests pass (logged) and the API keeps serving.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { createHash } from "node:crypto";
import { ipKeyGenerator } from "express-rate-limit";
import type { Redis } from "ioredis";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { planLimits } from "@frontdesk/core/billing/plans";
import { ApiError } from "../http/api-error.ts";
import { failOpen, memoryBudgetStore, redisBudgetStore } from "./budget-store.ts";
import { createBudgetLeases, type Admission } from "./budget-lease.ts";

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

const PARTITION_KEYS_MAX = 10_000;

/**
 * The largest lease a bucket may take (budget-lease.ts): a hundredth of its limit, so one
 * instance never sits on much of a budget others need and limits under 200 (the free plan's
 * 120 a minute) are counted one request at a time. Per-IP buckets (sign-up and login attempts,
 * anonymous requests) are small and security-relevant: always counted per request. Without
 * Redis there is no round trip to save.
 */
function leaseCap(bucket: Bucket, shared: boolean): number {
  if (!shared || bucket.policy === "auth" || bucket.policy === "ip") return 1;
  return Math.max(1, Math.floor(bucket.limit / 100));
}

/**
 * The limiter itself: each request admitted or refused, and the IETF draft-8 headers exactly
 * as express-rate-limit wrote them (`RateLimit: "api"; r=…; t=…`, `RateLimit-Policy: "api";
 * q=…; w=…; pk=:…:`), without its chain of awaited option callbacks and a SHA-256 per
 * request (the partition key is remembered per bucket).
 */
export function createRateLimiter(deps: { cache: Cache; logger: Logger; settings?: Partial<RateLimitSettings> }): RequestHandler {
  const settings = { ...DEFAULT_RATE_LIMITS, ...deps.settings };
  const redis = (deps.cache as Cache & { client?: Redis }).client;
  const leases = createBudgetLeases(
    redis
      ? failOpen(redisBudgetStore(redis, settings.windowMs), deps.logger, settings.storeTimeoutMs, settings.windowMs)
      : memoryBudgetStore(settings.windowMs),
  );
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
  const answer = (bucket: Bucket, { allowed, remaining, resetInMs }: Admission, res: Response, next: NextFunction) => {
    const resetSeconds = Math.max(0, Math.ceil(resetInMs / 1000));
    if (!res.headersSent) {
      res.append("RateLimit", `"${bucket.policy}"; r=${remaining}; t=${resetSeconds}`);
      res.append("RateLimit-Policy", `"${bucket.policy}"; q=${bucket.limit}; w=${windowSeconds}; pk=:${partitionKey(bucket.key)}:`);
    }
    if (allowed) return next();
    const retryAfter = String(Math.max(1, resetSeconds));
    next(
      new ApiError("rate_limited", "rate_limited", {
        userMessage: `Too many requests for this ${bucket.policy === "auth" ? "address" : "business"}; retry after ${retryAfter} s.`,
        headers: { "Retry-After": retryAfter },
      }),
    );
  };
  return (req, res, next) => {
    try {
      const bucket = bucketFor(req, settings);
      if (!bucket) return next();
      const admission = leases.admit(bucket.key, bucket.limit, leaseCap(bucket, redis !== undefined));
      // Most requests of a busy bucket are decided here and now, without a promise.
      if (!(admission instanceof Promise)) return answer(bucket, admission, res, next);
      admission.then((a) => answer(bucket, a, res, next)).catch(next);
    } catch (err) {
      next(err);
    }
  };
}
