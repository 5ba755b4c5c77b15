// Budget leases (api/src/limits/budget-lease.ts): busy businesses take their allowance from
// Redis a lease at a time, yet every instance together never admits more than the limit, the
// headers stay truthful, and a window's leftovers die with it.
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { Plan } from "@prisma/client";
import { PLAN_LIMITS } from "@frontdesk/core/billing/plans";
import { call, createSecretKey, startApi, type Api, type ApiResponse } from "./support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";

const db = testDb();
const started: Api[] = [];
afterAll(async () => {
  await Promise.all(started.map((api) => api.close()));
});

/** An API instance on the run's Redis and database, with a window of `windowMs`. */
async function instance(windowMs: number): Promise<Api> {
  const api = await startApi({ rateLimits: { authPerIp: 10_000, storeTimeoutMs: 5_000, windowMs } });
  started.push(api);
  return api;
}

const twoInstances = async (windowMs: number): Promise<[Api, Api]> => [await instance(windowMs), await instance(windowMs)];

async function keyFor(plan: Plan) {
  const { business } = await createTestBusiness(db, { plan });
  return { business, key: (await createSecretKey(business, ["business:read"])).key };
}

const get = (api: Api, key: string) => call(api, "GET", "/v1/businesses", { key });

/** `r` and `t` of the RateLimit header. */
function rateLimit(res: ApiResponse): { r: number; t: number } {
  const m = /^"api"; r=(\d+); t=(\d+)$/.exec(res.headers.get("ratelimit") ?? "");
  expect(m, `RateLimit: ${res.headers.get("ratelimit")}`).not.toBeNull();
  return { r: Number(m![1]), t: Number(m![2]) };
}

/** The business's counter in Redis: hits granted in the current window (by every instance). */
async function granted(api: Api, businessId: string): Promise<number> {
  return Number((await api.cache.get(`rl:api:${businessId}`)) ?? 0);
}

/** Waits until the business's window in Redis has ended. */
async function windowEnd(api: Api, businessId: string) {
  const ttlMs = await api.cache.ttl(`rl:api:${businessId}`);
  await new Promise((r) => setTimeout(r, Math.max(0, ttlMs) + 50));
}

describe("rate limit leases", () => {
  it("two instances hammering one business concurrently admit exactly its limit in all, and refuse the rest with 429", async () => {
    // Free allows 120 a minute: 200 in a 100 s window (long beside the test), leases of up to 2.
    const [a, b] = await twoInstances(100_000);
    const limit = (PLAN_LIMITS.free.apiRequestsPerMinute * 100) / 60;
    const { key } = await keyFor("free");
    const statuses: number[] = [];
    for (let sent = 0; sent < limit + 100; sent += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => get(i % 2 ? a : b, key)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100);
  }, 120_000);

  it("with a large limit and steady traffic, most requests are admitted without a Redis call", async () => {
    const a = await instance(60_000);
    const { business, key } = await keyFor("enterprise");
    const monitor = await new Redis(testConfig().redisUrl!).monitor();
    let scriptCalls = 0;
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (/^eval/i.test(args[0] ?? "") && args.some((arg) => arg.endsWith(`rl:api:${business.id}`))) scriptCalls++;
    });
    try {
      const requests = 400;
      const statuses: number[] = [];
      for (let sent = 0; sent < requests; sent += 20) {
        const batch = await Promise.all(Array.from({ length: 20 }, () => get(a, key)));
        statuses.push(...batch.map((r) => r.status));
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(scriptCalls).toBeGreaterThan(0);
      // One round trip per request would be 400.
      expect(scriptCalls).toBeLessThanOrEqual(requests / 4);
    } finally {
      monitor.disconnect();
    }
  }, 120_000);

  it("RateLimit remaining counts down on each instance, never below 0, and the refusals carry Retry-After", async () => {
    // Free in a 100 s window: 200, leases of up to 2.
    const [a, b] = await twoInstances(100_000);
    const limit = (PLAN_LIMITS.free.apiRequestsPerMinute * 100) / 60;
    const { key } = await keyFor("free");
    const seen = new Map<Api, number[]>([[a, []], [b, []]]);
    const refused: ApiResponse[] = [];
    for (let i = 0; i < limit + 10; i++) {
      const api = i % 2 ? a : b;
      const res = await get(api, key);
      const { r } = rateLimit(res);
      seen.get(api)!.push(r);
      if (res.status === 429) refused.push(res);
    }
    for (const rs of seen.values()) {
      for (let i = 1; i < rs.length; i++) expect(rs[i]!, `after ${rs.slice(0, i).join(",")}`).toBeLessThanOrEqual(Math.max(0, rs[i - 1]! - 1));
      expect(Math.min(...rs)).toBe(0);
    }
    expect(refused).toHaveLength(10);
    for (const res of refused) {
      expect(res.body.code).toBe("rate_limited");
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(100);
      expect(rateLimit(res).r).toBe(0);
    }
  }, 120_000);

  it("when the window ends, a used-up business is admitted again", async () => {
    // Starter in a 5 s window: 50.
    const [a, b] = await twoInstances(5_000);
    const { business, key } = await keyFor("starter");
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => get(i % 2 ? a : b, key)));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(50);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(10);
    await windowEnd(a, business.id);
    const again = await Promise.all([get(a, key), get(b, key)]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(again.map((r) => rateLimit(r).r).sort()).toEqual([48, 49]);
  }, 60_000);

  it("a lease's leftovers are dropped when its window ends, not spent in the next one", async () => {
    // Enterprise in a 3 s window: 15,000, leases of up to 150.
    const a = await instance(3_000);
    const limit = PLAN_LIMITS.enterprise.apiRequestsPerMinute / 20;
    const { business, key } = await keyFor("enterprise");
    // Steady traffic until this instance holds hits it has not spent (its last answer's
    // remaining is more than the window has left in Redis).
    let leftover = 0;
    for (let tries = 0; tries < 10 && leftover <= 0; tries++) {
      await Promise.all(Array.from({ length: 20 }, () => get(a, key)));
      const last = await get(a, key);
      leftover = rateLimit(last).r - (limit - (await granted(a, business.id)));
    }
    expect(leftover, "the instance never held an unspent lease").toBeGreaterThan(0);
    await windowEnd(a, business.id);
    // A new window: the first request is counted in it, not taken from the old lease.
    const first = await get(a, key);
    expect(first.status).toBe(200);
    expect(rateLimit(first)).toEqual({ r: limit - 1, t: 3 });
    expect(await granted(a, business.id)).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
