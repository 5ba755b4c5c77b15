// Rate limits per business by plan, shared by every instance through Redis; publishable keys
// count apart; when Redis is down the API keeps serving and says so in its log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { pino } from "pino";
import { createRedisCache } from "@frontdesk/core/cache/redis-cache";
import { PLAN_LIMITS } from "@frontdesk/core/billing/plans";
import { call, createSecretKey, createWidgetKey, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let a: Api;
let b: Api;
beforeAll(async () => {
  [a, b] = [await startApi(), await startApi()];
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

const FREE = PLAN_LIMITS.free.apiRequestsPerMinute;

async function burst(api: Api, n: number, key: string, path = "/v1/usage") {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => call(api, "GET", path, { key })));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

describe("rate limits", () => {
  it(`a free business gets ${FREE} requests a minute across all instances, then 429 with Retry-After`, async () => {
    const biz = await createTestBusiness(db, { plan: "free" });
    const { key } = await createSecretKey(biz.business, ["usage:read"]);
    const first = await call(a, "GET", "/v1/usage", { key });
    expect(first.headers.get("ratelimit-policy")).toBe(`"api"; q=${FREE}; w=60; pk=${first.headers.get("ratelimit-policy")!.split("pk=")[1]}`);
    expect(first.headers.get("ratelimit")).toMatch(new RegExp(`^"api"; r=${FREE - 1}; t=\\d+$`));
    // The rest of the allowance, half on each instance.
    const rest = [...(await burst(a, (FREE - 1) / 2 + 0.5, key)), ...(await burst(b, (FREE - 1) / 2 - 0.5, key))];
    expect(rest.filter((s) => s === 200)).toHaveLength(FREE - 1);
    const over = await call(b, "GET", "/v1/usage", { key });
    expect(over.status).toBe(429);
    expect(over.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(over.body.code).toBe("rate_limited");
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.headers.get("ratelimit")).toMatch(/^"api"; r=0; t=\d+$/);
  });

  it("one business's traffic does not use another's allowance, and widget requests count apart", async () => {
    const busy = await createTestBusiness(db, { plan: "free" });
    const quiet = await createTestBusiness(db, { plan: "free" });
    const busyKey = (await createSecretKey(busy.business, ["usage:read"])).key;
    await burst(a, FREE + 1, busyKey);
    expect((await call(a, "GET", "/v1/usage", { key: busyKey })).status).toBe(429);
    expect((await call(a, "GET", "/v1/usage", { key: (await createSecretKey(quiet.business, ["usage:read"])).key })).status).toBe(200);
    const widget = await createWidgetKey(busy.business, ["https://busy.example"]);
    const w = await call(a, "GET", "/v1/widget/business", { key: widget.key, origin: "https://busy.example" });
    expect(w.status).toBe(200);
    expect(w.headers.get("ratelimit-policy")).toMatch(new RegExp(`^"widget"; q=${PLAN_LIMITS.free.widgetRequestsPerMinute}; w=60`));
  });

  it("a bigger plan gets a bigger allowance", async () => {
    const pro = await createTestBusiness(db, { plan: "pro" });
    const r = await call(a, "GET", "/v1/usage", { key: (await createSecretKey(pro.business, ["usage:read"])).key });
    expect(r.headers.get("ratelimit-policy")).toMatch(new RegExp(`^"api"; q=${PLAN_LIMITS.pro.apiRequestsPerMinute}; w=60`));
  });

  it("with Redis down, requests are served without limits and the log says why; readiness reports the cache", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const deadRedis = createRedisCache({ url: "redis://127.0.0.1:1", prefix: "dead:" });
    const api = await startApi({ cache: deadRedis, logger, rateLimits: { authPerIp: 10_000, storeTimeoutMs: 500 } });
    try {
      const biz = await createTestBusiness(db, { plan: "free" });
      const { key } = await createSecretKey(biz.business, ["calls:read"]);
      const started = Date.now();
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(api, "GET", "/v1/calls", { key })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      // Only the first request waits for the store's timeout; the rest skip the store.
      expect(Date.now() - started).toBeLessThan(8000);
      expect(lines.some((l) => l.includes("rate limit store unavailable"))).toBe(true);
      const ready = await call(api, "GET", "/readyz");
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: "unavailable", checks: { database: true, cache: false, draining: false } });
    } finally {
      await api.close();
      // quit() waits for a connection that never comes; drop the sockets instead.
      await Promise.race([deadRedis.close(), new Promise((r) => setTimeout(r, 200))]);
      deadRedis.client.disconnect();
    }
  });
});
