// Where rate-limit budgets are granted: one counter per bucket and fixed window, in Redis
// (shared by every instance: the only place hits are granted) or in this process, and the
// fail-open wrapper that lets requests through while Redis is unwell.
import type { Redis } from "ioredis";
import type { Logger } from "@frontdesk/core/observability/logger";

/** What one call to the store granted, and what it said about the window. */
export interface BudgetGrant {
  /** Hits granted to the caller by this call: 0 when the window has nothing left. */
  granted: number;
  /** Hits granted in this window so far by every instance, this call's included. */
  used: number;
  /** Time left in the window, ms. */
  ttlMs: number;
  /** The store failed: let the request through without limits (see failOpen). */
  bypass?: true;
}

/** Grants up to `want` hits of a bucket's window, never past `limit` in all. */
export interface BudgetStore {
  take(key: string, want: number, limit: number): Promise<BudgetGrant>;
}

// Grants min(want, left, max(1, floor(left / 10))) where left = floor(limit) - used, and starts
// the window (PEXPIRE) when it creates the counter. The tenth keeps leases small as a window runs
// out, so little is stranded on one instance while another is refused (see budget-lease.ts).
// Nothing is written for a refusal: a full window's counter only grows by grants.
const TAKE_SCRIPT = `
local want = tonumber(ARGV[1])
local used = tonumber(redis.call("GET", KEYS[1]) or "0")
local left = math.floor(tonumber(ARGV[2])) - used
local grant = math.min(want, left, math.max(1, math.floor(left / 10)))
if grant > 0 then
  used = redis.call("INCRBY", KEYS[1], grant)
else
  grant = 0
end
local ttl = redis.call("PTTL", KEYS[1])
if ttl == -1 then
  redis.call("PEXPIRE", KEYS[1], ARGV[3])
  ttl = tonumber(ARGV[3])
elseif ttl == -2 then
  ttl = tonumber(ARGV[3])
end
return { grant, used, ttl }`;

type RedisWithTake = Redis & { fdRateLimitTake(key: string, want: number, limit: number, windowMs: number): Promise<[number, number, number]> };

/** One script call per take; ioredis sends it by EVALSHA and falls back to EVAL once. */
export function redisBudgetStore(redis: Redis, windowMs: number): BudgetStore {
  const r = redis as RedisWithTake;
  if (typeof r.fdRateLimitTake !== "function") r.defineCommand("fdRateLimitTake", { numberOfKeys: 1, lua: TAKE_SCRIPT });
  return {
    async take(key, want, limit) {
      // The key is prefixed by the client's keyPrefix, so limits share the cache namespace.
      const [granted, used, ttlMs] = await r.fdRateLimitTake(`rl:${key}`, want, limit, windowMs);
      return { granted, used, ttlMs };
    },
  };
}

/** Without Redis: counts in this process only (one instance). */
export function memoryBudgetStore(windowMs: number, now: () => number = Date.now): BudgetStore {
  const windows = new Map<string, { used: number; resetAt: number }>();
  return {
    async take(key, want, limit) {
      const t = now();
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        if (windows.size >= 100_000) for (const [k, v] of windows) if (v.resetAt <= t) windows.delete(k);
        w = { used: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      const granted = Math.max(0, Math.min(want, Math.floor(limit) - w.used));
      w.used += granted;
      return { granted, used: w.used, ttlMs: w.resetAt - t };
    },
  };
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
 * every 10 s.
 */
export function failOpen(inner: BudgetStore, logger: Logger, timeoutMs: number, windowMs: number): BudgetStore {
  let openUntil = 0;
  let lastWarnAt = 0;
  const warn = (err: unknown) => {
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "rate limit store unavailable; allowing requests without limits");
  };
  const bypass = (): BudgetGrant => ({ granted: 0, used: 0, ttlMs: windowMs, bypass: true });
  return {
    async take(key, want, limit) {
      if (Date.now() < openUntil) return bypass();
      try {
        return await withTimeout(inner.take(key, want, limit), timeoutMs);
      } catch (err) {
        openUntil = Date.now() + 1000;
        warn(err);
        return bypass();
      }
    },
  };
}
