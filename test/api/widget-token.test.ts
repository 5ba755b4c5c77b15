// Widget tokens: a business's backend mints one with a secret key (calls:read) for one of its
// widget keys; with it, the call-log widget sees masked caller numbers and summaries. A token
// never works for another widget key or another business, and expires within the hour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintWidgetToken } from "@frontdesk/core/auth/widget-token";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { call, createSecretKey, createWidgetKey, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";

const SITE = "https://crm.rosas-bakery.example";
const OTHER_SITE = "https://crm.other.example";
let api: Api;
let rosa: TestBusiness;
let other: TestBusiness;
let rosaKey: { id: string; key: string };
let rosaSecret: string;

beforeAll(async () => {
  api = await startApi();
  rosa = await createTestBusiness(testDb(), { plan: "enterprise" });
  other = await createTestBusiness(testDb(), { plan: "enterprise" });
  await seedCalls(rosa.business, rosa.phone.e164, { count: 3, summaryMarker: "ROSA" });
  await seedCalls(other.business, other.phone.e164, { count: 2, summaryMarker: "OTHER" });
  rosaKey = await createWidgetKey(rosa.business, [SITE]);
  rosaSecret = (await createSecretKey(rosa.business, ["calls:read"])).key;
});
afterAll(async () => {
  await api.close();
});

async function mint(widgetKeyId: string, secret = rosaSecret, body?: unknown) {
  return call(api, "POST", `/v1/widget-keys/${widgetKeyId}/tokens`, { key: secret, ...(body === undefined ? {} : { body }) });
}

describe("widget tokens", () => {
  it("a secret key with calls:read mints a token for its widget key that lives at most an hour", async () => {
    const r = await mint(rosaKey.id, rosaSecret, { ttlSeconds: 600 });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ token: expect.stringMatching(/^wt_/), widgetKeyId: rosaKey.id });
    const ttlMs = new Date(r.body.expiresAt).getTime() - Date.now();
    expect(ttlMs).toBeGreaterThan(500_000);
    expect(ttlMs).toBeLessThanOrEqual(600_000);
    expect((await mint(rosaKey.id, rosaSecret, { ttlSeconds: 7200 })).status).toBe(400);
    const defaulted = await mint(rosaKey.id);
    expect(new Date(defaulted.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it("a key without calls:read cannot mint, nor can another business's key for this widget key", async () => {
    const knowledgeOnly = (await createSecretKey(rosa.business, ["knowledge:read"])).key;
    const r = await mint(rosaKey.id, knowledgeOnly);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("insufficient_scope");
    const theirs = (await createSecretKey(other.business, ["calls:read"])).key;
    const cross = await mint(rosaKey.id, theirs);
    expect(cross.status).toBe(404);
    expect(cross.text).not.toContain("wt_");
  });

  it("with the token, calls carry masked caller numbers, summaries and topics", async () => {
    const token = (await mint(rosaKey.id)).body.token;
    const r = await call(api, "GET", "/v1/widget/calls", { key: rosaKey.key, origin: SITE, headers: { "frontdesk-widget-token": token } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toHaveLength(3);
    for (const c of r.body.data) {
      expect(c.callerNumber).toMatch(/^\+•+\d{4}$/);
      expect(c.summary).toContain("ROSA");
      expect(c.topics.length).toBeGreaterThan(0);
    }
    expect(r.text).not.toMatch(/\+\d{7,}/);
    expect(r.text).not.toContain("OTHER");
  });

  it("a token for another widget key, another business, altered or expired is refused with 401", async () => {
    const secondKey = await createWidgetKey(rosa.business, [SITE]);
    const forSecond = (await mint(secondKey.id)).body.token;
    const otherKey = await createWidgetKey(other.business, [OTHER_SITE]);
    const otherSecret = (await createSecretKey(other.business, ["calls:read"])).key;
    const forOther = (await mint(otherKey.id, otherSecret)).body.token;
    const good = (await mint(rosaKey.id)).body.token as string;
    const expired = mintWidgetToken(testConfig().appSecret, { businessId: rosa.business.id, widgetKeyId: rosaKey.id }, { now: Date.now() - 3_700_000 }).token;
    const altered = good.slice(0, -2) + (good.endsWith("A") ? "BB" : "AA");
    for (const token of [forSecond, forOther, expired, altered, "wt_nonsense"]) {
      const r = await call(api, "GET", "/v1/widget/calls", { key: rosaKey.key, origin: SITE, headers: { "frontdesk-widget-token": token } });
      expect(r.status, token).toBe(401);
      expect(r.body.code).toBe("invalid_widget_token");
      expect(r.headers.get("access-control-allow-origin")).toBe(SITE);
      expect(r.text).not.toContain("ROSA");
    }
    // The other business's own pair works, and shows only its calls.
    const theirs = await call(api, "GET", "/v1/widget/calls", { key: otherKey.key, origin: OTHER_SITE, headers: { "frontdesk-widget-token": forOther } });
    expect(theirs.status).toBe(200);
    expect(theirs.body.data.map((c: { summary: string }) => c.summary).join(" ")).not.toContain("ROSA");
  });

  it("a revoked widget key gets no new tokens", async () => {
    const doomed = await createWidgetKey(rosa.business, [SITE]);
    await tenantDb(testDb(), rosa.business.id).widgetKey.update({ where: { id: doomed.id }, data: { revokedAt: new Date() } });
    const r = await mint(doomed.id);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("key_not_active");
  });
});

describe("widget rate limits", () => {
  it("a rate-limited widget answer is readable by the page, with Retry-After", async () => {
    // A 6-second window: the free plan's 600 a minute become 60 per window.
    const limited = await startApi({ isolated: true, rateLimits: { windowMs: 6_000 } });
    try {
      const free = await createTestBusiness(testDb(), { plan: "free" });
      const { key } = await createWidgetKey(free.business, [SITE]);
      let over: Awaited<ReturnType<typeof call<any>>> | undefined;
      for (let sent = 0; !over && sent < 400; sent += 20) {
        const batch = await Promise.all(Array.from({ length: 20 }, () => call(limited, "GET", "/v1/widget/business", { key, origin: SITE })));
        over = batch.find((r) => r.status === 429);
      }
      expect(over, "no request was limited").toBeDefined();
      expect(over!.body.code).toBe("rate_limited");
      expect(over!.headers.get("access-control-allow-origin")).toBe(SITE);
      expect(over!.headers.get("access-control-expose-headers")).toMatch(/Retry-After/);
      expect(Number(over!.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
