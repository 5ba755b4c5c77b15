// Businesses and their numbers: creation, profile, hours and time zone, the active flag,
// deletion, several businesses per user, and phone numbers unique across tenants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
let biz: TestBusiness;
let owner: { cookie: string; csrf: string };

beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(db, { plan: "enterprise" });
  owner = await sessionFor(api, biz.owner);
});
afterAll(async () => {
  await api.close();
});

describe("businesses", () => {
  it("profile, time zone, hours and the active flag can be changed; bad hours and zones are refused", async () => {
    const r = await call(api, "PATCH", `/v1/businesses/${biz.business.id}`, {
      session: owner,
      body: { description: "Sourdough since 1998", timezone: "Europe/Paris", hours: { mon: [["08:00", "12:00"], ["14:00", "18:00"]], sat: [["09:00", "13:00"]] }, isActive: false },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ description: "Sourdough since 1998", timezone: "Europe/Paris", isActive: false, role: "owner", hours: { sat: [["09:00", "13:00"]] } });
    const zone = await call(api, "PATCH", `/v1/businesses/${biz.business.id}`, { session: owner, body: { timezone: "Mars/Olympus_Mons" } });
    expect(zone.status).toBe(400);
    expect(zone.body.errors[0].path).toBe("body.timezone");
    const backwards = await call(api, "PATCH", `/v1/businesses/${biz.business.id}`, { session: owner, body: { hours: { mon: [["18:00", "08:00"]] } } });
    expect(backwards.status).toBe(400);
    const badTime = await call(api, "PATCH", `/v1/businesses/${biz.business.id}`, { session: owner, body: { hours: { mon: [["25:00", "26:00"]] } } });
    expect(badTime.status).toBe(400);
  });

  it("a user in several businesses names one with Frontdesk-Business; otherwise 400", async () => {
    const second = await call(api, "POST", "/v1/businesses", { session: owner, body: { name: "Rosa's Second Shop", timezone: "America/New_York" } });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ role: "owner", plan: "free", slug: expect.stringMatching(/^rosa-s-second-shop-/) });
    const ambiguous = await call(api, "GET", "/v1/phone-numbers", { session: owner });
    expect(ambiguous.status).toBe(400);
    const first = await call(api, "GET", "/v1/phone-numbers", { session: owner, business: biz.business.id });
    expect(first.body.data.map((p: { e164: string }) => p.e164)).toEqual([biz.phone.e164]);
    const other = await call(api, "GET", "/v1/phone-numbers", { session: owner, business: second.body.id });
    expect(other.body.data).toEqual([]);
    const mine = await call(api, "GET", "/v1/businesses", { session: owner });
    expect(mine.body.data.map((b: { id: string }) => b.id).sort()).toEqual([biz.business.id, second.body.id].sort());
  });

  it("a secret key lists and reaches only its own business", async () => {
    const { key } = await createSecretKey(biz.business, ["business:read"]);
    const list = await call(api, "GET", "/v1/businesses", { key });
    expect(list.body.data.map((b: { id: string }) => b.id)).toEqual([biz.business.id]);
    const otherBiz = await createTestBusiness(db);
    expect((await call(api, "GET", `/v1/businesses/${otherBiz.business.id}`, { key })).status).toBe(404);
  });

  it("a deleted business disappears: its pages answer 404, its keys 401, its number is free again", async () => {
    const doomed = await createTestBusiness(db, { plan: "enterprise" });
    const session = await sessionFor(api, doomed.owner);
    const { key } = await createSecretKey(doomed.business, ["calls:read"]);
    expect((await call(api, "GET", "/v1/calls", { key })).status).toBe(200);
    expect((await call(api, "DELETE", `/v1/businesses/${doomed.business.id}`, { session })).status).toBe(204);
    expect((await call(api, "GET", `/v1/businesses/${doomed.business.id}`, { session })).status).toBe(404);
    expect((await call(api, "GET", "/v1/calls", { key })).status).toBe(401);
    const reuse = await call(api, "POST", "/v1/phone-numbers", { session: owner, business: biz.business.id, body: { e164: doomed.phone.e164 } });
    expect(reuse.status).toBe(201);
  });
});

describe("phone numbers", () => {
  it("a number must be E.164 and can ring only one business", async () => {
    for (const e164 of ["4155550123", "+0155550123", "+1 415 555 0123", "+1415555012345678"]) {
      const r = await call(api, "POST", "/v1/phone-numbers", { session: owner, business: biz.business.id, body: { e164 } });
      expect(r.status, e164).toBe(400);
    }
    const other = await createTestBusiness(db);
    const taken = await call(api, "POST", "/v1/phone-numbers", { session: owner, business: biz.business.id, body: { e164: other.phone.e164 } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe("phone_number_taken");
    expect(taken.text).not.toContain(other.business.id);
  });

  it("attach, label, switch off and detach", async () => {
    const e164 = uniquePhoneNumber();
    const attached = await call(api, "POST", "/v1/phone-numbers", { session: owner, business: biz.business.id, body: { e164, label: "Main line", twilioSid: `PN${"a".repeat(32)}` } });
    expect(attached.body).toMatchObject({ e164, label: "Main line", isActive: true });
    const off = await call(api, "PATCH", `/v1/phone-numbers/${attached.body.id}`, { session: owner, business: biz.business.id, body: { isActive: false } });
    expect(off.body.isActive).toBe(false);
    expect((await call(api, "DELETE", `/v1/phone-numbers/${attached.body.id}`, { session: owner, business: biz.business.id })).status).toBe(204);
    expect((await call(api, "GET", `/v1/phone-numbers/${attached.body.id}`, { session: owner, business: biz.business.id })).status).toBe(404);
  });
});

describe("agent configuration and usage", () => {
  it("reads defaults, patches some fields, and refuses what the agent schema refuses", async () => {
    const { key } = await createSecretKey(biz.business, ["config:write", "usage:read"]);
    const r = await call(api, "PATCH", "/v1/agent-config", { key, body: { voice: "coral", transferNumber: "+14155550199", enabledTools: ["take_message", "end_call"] } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ voice: "coral", transferNumber: "+14155550199", enabledTools: ["take_message", "end_call"], greeting: expect.stringContaining("{business}") });
    expect((await call(api, "GET", "/v1/agent-config", { key })).body.voice).toBe("coral");
    for (const body of [{ speed: 3 }, { maxCallDurationSec: 10 }, { language: "English" }, { dtmfTransferDigit: "x" }, { greeting: "" }, {}]) {
      expect((await call(api, "PATCH", "/v1/agent-config", { key, body })).status, JSON.stringify(body)).toBe(400);
    }
    const usage = await call(api, "GET", "/v1/usage", { key });
    expect(usage.body).toMatchObject({ plan: "enterprise", calls: 0, members: 1, limits: { concurrentCalls: 500 } });
  });
});
