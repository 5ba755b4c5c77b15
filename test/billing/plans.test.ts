// Plans enforced by the API: seats (members + open invitations), knowledge size, the per-plan
// rate limit; and a plan change felt at once by every instance, cached keys included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePlan } from "@frontdesk/core/billing/change-plan";
import { PLAN_LIMITS } from "@frontdesk/core/billing/plans";
import { SYSTEM_ACTOR } from "@frontdesk/core/audit/record-audit";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { addMember, call, createSecretKey, sessionFor, startApi, type Api } from "../api/support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testCache, testDb } from "../support/services.ts";

const db = testDb();
const cache = testCache();
let a: Api;
let b: Api;
beforeAll(async () => {
  [a, b] = [await startApi(), await startApi()];
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), cache.close()]);
});

const policyQuota = (r: { headers: Headers }) => Number(/q=(\d+)/.exec(r.headers.get("ratelimit-policy") ?? "")?.[1]);

describe("plan limits through the API", () => {
  it("a free business's seats (members plus open invitations) are capped with a 402 that says so; an upgrade lifts it", async () => {
    const biz = await createTestBusiness(db, { plan: "free" });
    const owner = await sessionFor(a, biz.owner);
    expect(PLAN_LIMITS.free.members).toBe(3);
    await addMember(biz.business, "viewer");
    const invite = (email: string) => call(a, "POST", "/v1/invites", { session: owner, body: { email, role: "viewer" } });
    expect((await invite(`one-${Date.now()}@example.test`)).status).toBe(201);
    const full = await invite(`two-${Date.now()}@example.test`);
    expect(full.status).toBe(402);
    expect(full.body).toMatchObject({ code: "member_limit_reached", detail: expect.stringMatching(/free plan has 3 seats/) });

    await changePlan({ db, cache }, biz.business.id, { plan: "starter", actor: SYSTEM_ACTOR, reason: "test upgrade" });
    expect((await invite(`two-${Date.now()}@example.test`)).status).toBe(201);
    const audit = await tenantDb(db, biz.business.id).auditLog.findFirst({ where: { action: "business.plan_changed" } });
    expect(audit?.metadata).toMatchObject({ from: "free", to: "starter", reason: "test upgrade" });
  });

  it("a plan change reaches every instance at once, even where the key and its business are cached", async () => {
    const biz = await createTestBusiness(db, { plan: "free" });
    const { key } = await createSecretKey(biz.business, ["usage:read"]);
    for (const api of [a, b]) {
      const r = await call(api, "GET", "/v1/usage", { key });
      expect(policyQuota(r)).toBe(PLAN_LIMITS.free.apiRequestsPerMinute);
      expect(r.body).toMatchObject({ plan: "free", limits: { overage: "refuse", monthlyCallMinutes: PLAN_LIMITS.free.monthlyCallMinutes } });
    }
    await changePlan({ db, cache }, biz.business.id, { plan: "pro", actor: SYSTEM_ACTOR, reason: "test upgrade" });
    for (const api of [a, b]) {
      const seen = await eventuallyValue(async () => policyQuota(await call(api, "GET", "/v1/usage", { key })), PLAN_LIMITS.pro.apiRequestsPerMinute);
      expect(seen).toBe(PLAN_LIMITS.pro.apiRequestsPerMinute);
    }
    const usage = await call(b, "GET", "/v1/usage", { key });
    expect(usage.body).toMatchObject({ plan: "pro", limits: { overage: "metered", concurrentCalls: PLAN_LIMITS.pro.concurrentCalls } });
  });

  it("another business's plan is untouched by a change", async () => {
    const mine = await createTestBusiness(db, { plan: "free" });
    const theirs = await createTestBusiness(db, { plan: "free" });
    await changePlan({ db, cache }, mine.business.id, { plan: "enterprise", actor: SYSTEM_ACTOR, reason: "test" });
    expect((await db.business.findUniqueOrThrow({ where: { id: theirs.business.id } })).plan).toBe("free");
  });
});

/** The pub/sub message crosses Redis; wait for it (well under the cache's own 10 s expiry). */
async function eventuallyValue<T>(read: () => Promise<T>, want: T, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v === want || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}
