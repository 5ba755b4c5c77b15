// The widgets' side: publishable keys read public data only, only from allowed origins; the
// page that asked may read every answer, so a widget can tell a refusal from being offline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createWidgetKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const SITE = "https://www.rosas-bakery.example";
let api: Api;
let biz: TestBusiness;
let pk: string;

beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(testDb(), {
    plan: "enterprise",
    name: "Rosa's Bakery",
    hours: { mon: [["07:00", "15:00"]] },
    timezone: "Europe/Paris",
    knowledge: [
      { title: "Parking", content: "Free parking behind the bakery.", isPublic: true, category: "visiting" },
      { title: "Staff rota", content: "Internal: Marco opens on Mondays.", isPublic: false },
    ],
  });
  await seedCalls(biz.business, biz.phone.e164, { count: 3 });
  pk = (await createWidgetKey(biz.business, [SITE])).key;
});
afterAll(async () => {
  await api.close();
});

describe("widget endpoints", () => {
  it("show only public knowledge, with or without a search", async () => {
    const all = await call(api, "GET", "/v1/widget/knowledge", { key: pk, origin: SITE });
    expect(all.body.data.map((d: { title: string }) => d.title)).toEqual(["Parking"]);
    expect(all.text).not.toContain("Marco");
    const searched = await call(api, "GET", `/v1/widget/knowledge?q=${encodeURIComponent("who opens on monday")}`, { key: pk, origin: SITE });
    expect(searched.text).not.toContain("Marco");
    const parking = await call(api, "GET", `/v1/widget/knowledge?q=${encodeURIComponent("where can I park")}`, { key: pk, origin: SITE });
    expect(parking.body.data[0]).toMatchObject({ title: "Parking", passage: expect.stringContaining("parking") });
  });

  it("show recent calls without numbers, summaries or words (not even topics)", async () => {
    const r = await call(api, "GET", "/v1/widget/calls", { key: pk, origin: SITE });
    expect(r.body.data).toHaveLength(3);
    expect(Object.keys(r.body.data[0]).sort()).toEqual(["durationSec", "id", "outcome", "sentiment", "startedAt", "status"]);
    expect(r.text).not.toMatch(/\+\d{7,}/);
    expect(r.text).not.toContain("Caller asked");
  });

  it("page recent calls newest first", async () => {
    const first = await call(api, "GET", "/v1/widget/calls?limit=2", { key: pk, origin: SITE });
    expect(first.body).toMatchObject({ object: "list", has_more: true });
    expect(first.body.data).toHaveLength(2);
    const next = await call(api, "GET", `/v1/widget/calls?limit=2&starting_after=${first.body.data[1].id}`, { key: pk, origin: SITE });
    expect(next.body.has_more).toBe(false);
    expect(next.body.data).toHaveLength(1);
    const times = [...first.body.data, ...next.body.data].map((c: { startedAt: string }) => c.startedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("show the public profile and whether the business is open now", async () => {
    const r = await call(api, "GET", "/v1/widget/business", { key: pk, origin: SITE });
    expect(r.body).toMatchObject({ name: "Rosa's Bakery", phoneNumber: biz.phone.e164, timezone: "Europe/Paris", hours: { mon: [["07:00", "15:00"]] }, isOpen: expect.any(Boolean) });
  });

  it("answer the allowed origin with CORS; refuse other origins and bad keys in answers the page can read", async () => {
    const ok = await call(api, "GET", "/v1/widget/business", { key: pk, origin: SITE });
    expect(ok.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    const evil = await call(api, "GET", "/v1/widget/business", { key: pk, origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.body.code).toBe("origin_not_allowed");
    expect(evil.headers.get("access-control-allow-origin")).toBe("https://evil.example");
    expect(evil.headers.get("access-control-allow-credentials")).toBeNull();
    const wrongKey = await call(api, "GET", "/v1/widget/business", { key: "pk_live_" + "x".repeat(24), origin: SITE });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.code).toBe("invalid_api_key");
    expect(wrongKey.headers.get("access-control-allow-origin")).toBe(SITE);
  });

  it("a key enabled for one widget cannot read the other", async () => {
    const knowledgeOnly = (await createWidgetKey(biz.business, [SITE], ["knowledge"])).key;
    expect((await call(api, "GET", "/v1/widget/knowledge", { key: knowledgeOnly, origin: SITE })).status).toBe(200);
    const r = await call(api, "GET", "/v1/widget/calls", { key: knowledgeOnly, origin: SITE });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("widget_not_enabled");
  });

  it("owners manage widget keys and their origins; a revoked key stops at once", async () => {
    const owner = await sessionFor(api, biz.owner);
    const created = await call(api, "POST", "/v1/widget-keys", { session: owner, body: { name: "Shop", allowedOrigins: ["https://shop.example/"] } });
    expect(created.status, created.text).toBe(400); // an origin has no path
    const good = await call(api, "POST", "/v1/widget-keys", { session: owner, body: { name: "Shop", allowedOrigins: ["https://shop.example"], widgets: ["knowledge"] } });
    expect(good.body).toMatchObject({ key: expect.stringMatching(/^pk_live_/), widgets: ["knowledge"], allowedOrigins: ["https://shop.example"] });
    expect((await call(api, "GET", "/v1/widget/knowledge", { key: good.body.key, origin: "https://shop.example" })).status).toBe(200);
    const moved = await call(api, "PATCH", `/v1/widget-keys/${good.body.id}`, { session: owner, body: { allowedOrigins: ["https://new-shop.example"] } });
    expect(moved.body.allowedOrigins).toEqual(["https://new-shop.example"]);
    expect((await call(api, "GET", "/v1/widget/knowledge", { key: good.body.key, origin: "https://shop.example" })).status).toBe(403);
    expect((await call(api, "GET", "/v1/widget/knowledge", { key: good.body.key, origin: "https://new-shop.example" })).status).toBe(200);
    await call(api, "DELETE", `/v1/widget-keys/${good.body.id}`, { session: owner });
    expect((await call(api, "GET", "/v1/widget/knowledge", { key: good.body.key, origin: "https://new-shop.example" })).status).toBe(401);
  });

  it("preflight requests from a site are answered for GET with Authorization and a widget token", async () => {
    const pre = await fetch(`${api.url}/v1/widget/knowledge`, { method: "OPTIONS", headers: { origin: SITE, "access-control-request-method": "GET", "access-control-request-headers": "authorization" } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toBe("Authorization, Frontdesk-Widget-Token");
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET");
  });
});
