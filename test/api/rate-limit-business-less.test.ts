// A secret key on a route that names no business (GET /v1/businesses) is counted against its
// own business's allowance, not against the anonymous bucket of the address it comes from,
// which other tenants behind the same NAT or proxy share.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAN_LIMITS } from "@frontdesk/core/billing/plans";
import { call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
const FREE = PLAN_LIMITS.free.apiRequestsPerMinute;
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

async function burst(n: number, key: string, path: string) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => call(api, "GET", path, { key })));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

describe("rate limits on business-less routes", () => {
  it("a secret key listing businesses spends its own business's allowance, and a neighbour on the same address keeps theirs", async () => {
    const busy = await createTestBusiness(db, { plan: "free" });
    const neighbour = await createTestBusiness(db, { plan: "free" });
    const busyKey = (await createSecretKey(busy.business, ["business:read", "usage:read"])).key;
    const neighbourKey = (await createSecretKey(neighbour.business, ["business:read"])).key;

    const first = await call(api, "GET", "/v1/businesses", { key: busyKey });
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toMatch(new RegExp(`^"api"; q=${FREE}; w=60; pk=`));
    expect(first.headers.get("ratelimit")).toMatch(new RegExp(`^"api"; r=${FREE - 1}; t=\\d+$`));
    // The same bucket as the business's other requests: the policy's partition key matches.
    const usage = await call(api, "GET", "/v1/usage", { key: busyKey });
    expect(usage.headers.get("ratelimit-policy")).toBe(first.headers.get("ratelimit-policy"));
    expect(usage.headers.get("ratelimit")).toMatch(new RegExp(`^"api"; r=${FREE - 2}; t=\\d+$`));

    const rest = await burst(FREE - 2, busyKey, "/v1/businesses");
    expect(rest.every((s) => s === 200)).toBe(true);
    const over = await call(api, "GET", "/v1/businesses", { key: busyKey });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe("rate_limited");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);

    const theirs = await call(api, "GET", "/v1/businesses", { key: neighbourKey });
    expect(theirs.status, theirs.text).toBe(200);
    expect(theirs.headers.get("ratelimit")).toMatch(new RegExp(`^"api"; r=${FREE - 1}; t=\\d+$`));
    expect(theirs.body.data.map((b: { id: string }) => b.id)).toEqual([neighbour.business.id]);
  });
});
