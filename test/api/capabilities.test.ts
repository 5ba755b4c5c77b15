// The onboarding checklist (GET /v1/capabilities) and attaching a number that Twilio is told
// to send to the relay, when this frontdesk has Twilio credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, uniquePhoneNumber } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";
import { startTwilioRestStandIn, type TwilioRestStandIn } from "../stand-ins/twilio-rest.ts";

const db = testDb();
const RELAY = "https://relay.frontdesk.test";

describe("capabilities", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi({ config: testConfig({ OPENAI_API_KEY: undefined, TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, PUBLIC_BASE_URL: RELAY }) });
  });
  afterAll(async () => {
    await api.close();
  });

  it("a new business sees what is missing and why, and the webhook URLs to paste into Twilio", async () => {
    const t = await createTestBusiness(db);
    await db.phoneNumber.delete({ where: { id: t.phone.id } });
    const r = await call(api, "GET", "/v1/capabilities", { session: await sessionFor(api, t.owner) });
    expect(r.status, r.text).toBe(200);
    expect(r.body.voiceAi).toEqual({ ready: false, reason: expect.stringContaining("OPENAI_API_KEY") });
    expect(r.body.twilio).toEqual({ ready: false, reason: expect.stringContaining("TWILIO_ACCOUNT_SID") });
    expect(r.body.phoneNumber).toEqual({ ready: false, reason: expect.any(String), active: 0 });
    expect(r.body.knowledge).toEqual({ ready: false, reason: expect.stringContaining("Add what the agent should know"), total: 0, indexed: 0, pending: 0, failed: 0 });
    expect(r.body.browserTestCall).toEqual({ ready: false, reason: expect.stringContaining("OPENAI_API_KEY") });
    expect(r.body.twilioWebhooks).toEqual({ voiceUrl: `${RELAY}/twilio/voice`, voiceMethod: "POST", statusCallbackUrl: `${RELAY}/twilio/status`, statusCallbackMethod: "POST" });
  });

  it("counts only the business's own numbers and knowledge, not another's", async () => {
    const other = await createTestBusiness(db, { knowledge: [{ title: "Hours", content: "We open at nine every weekday." }] });
    const mine = await createTestBusiness(db);
    await db.phoneNumber.update({ where: { id: mine.phone.id }, data: { isActive: false } });
    const key = await createSecretKey(mine.business, ["business:read"]);
    const before = await call(api, "GET", "/v1/capabilities", { key: key.key });
    expect(before.body.phoneNumber.active).toBe(0);
    expect(before.body.knowledge.total).toBe(0);
    const theirs = await call(api, "GET", "/v1/capabilities", { session: await sessionFor(api, other.owner) });
    expect(theirs.body.phoneNumber).toEqual({ ready: true, reason: null, active: 1 });
    expect(theirs.body.knowledge).toMatchObject({ ready: true, reason: null, total: 1, indexed: 1 });
  });

  it("without the voice AI, a test call is refused with the reason the checklist gave", async () => {
    const t = await createTestBusiness(db);
    const r = await call(api, "POST", "/v1/test-calls", { session: await sessionFor(api, t.owner) });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("voice_ai_not_configured");
  });

  it("needs business:read on a secret key", async () => {
    const t = await createTestBusiness(db);
    const key = await createSecretKey(t.business, ["calls:read"]);
    const r = await call(api, "GET", "/v1/capabilities", { key: key.key });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("insufficient_scope");
  });

  it("with the voice AI and Twilio configured, says so", async () => {
    const configured = await startApi({ config: testConfig({ OPENAI_API_KEY: "sk-test", TWILIO_ACCOUNT_SID: "AC" + "0".repeat(32), TWILIO_AUTH_TOKEN: "token" }) });
    try {
      const t = await createTestBusiness(db);
      const r = await call(configured, "GET", "/v1/capabilities", { session: await sessionFor(configured, t.owner) });
      expect(r.body.voiceAi).toEqual({ ready: true, reason: null });
      expect(r.body.twilio).toEqual({ ready: true, reason: null });
      expect(r.body.browserTestCall).toEqual({ ready: true, reason: null });
    } finally {
      await configured.close();
    }
  });
});

describe("attaching a number with Twilio configured", () => {
  let api: Api;
  let twilioRest: TwilioRestStandIn;
  beforeAll(async () => {
    twilioRest = await startTwilioRestStandIn();
    api = await startApi({
      config: testConfig({ TWILIO_ACCOUNT_SID: twilioRest.accountSid, TWILIO_AUTH_TOKEN: twilioRest.authToken, TWILIO_API_BASE_URL: twilioRest.url, PUBLIC_BASE_URL: RELAY }),
    });
  });
  afterAll(async () => {
    await api.close();
    await twilioRest.close();
  });

  it("points the Twilio number's voice and status webhooks at the relay and keeps its SID", async () => {
    const t = await createTestBusiness(db);
    const e164 = uniquePhoneNumber();
    const number = twilioRest.addNumber(e164);
    const r = await call(api, "POST", "/v1/phone-numbers", { session: await sessionFor(api, t.owner), body: { e164, label: "Main line" } });
    expect(r.status, r.text).toBe(201);
    expect(r.body.twilioSid).toBe(number.sid);
    expect(twilioRest.numbers.get(number.sid)).toMatchObject({ voiceUrl: `${RELAY}/twilio/voice`, voiceMethod: "POST", statusCallback: `${RELAY}/twilio/status`, statusCallbackMethod: "POST" });
  });

  it("a number the Twilio account lacks is refused and not attached", async () => {
    const t = await createTestBusiness(db);
    const e164 = uniquePhoneNumber();
    const r = await call(api, "POST", "/v1/phone-numbers", { session: await sessionFor(api, t.owner), body: { e164 } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("twilio_number_not_found");
    expect(r.body.errors).toEqual([{ path: "body.e164", message: "is not a number of the Twilio account" }]);
    expect(await db.phoneNumber.findUnique({ where: { e164 } })).toBeNull();
  });

  it("Twilio down answers 503 and leaves nothing attached, so trying again works", async () => {
    const t = await createTestBusiness(db);
    const session = await sessionFor(api, t.owner);
    const e164 = uniquePhoneNumber();
    twilioRest.addNumber(e164);
    twilioRest.failNext(1, 503);
    const down = await call(api, "POST", "/v1/phone-numbers", { session, body: { e164 } });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe("twilio_unavailable");
    expect(await db.phoneNumber.findUnique({ where: { e164 } })).toBeNull();
    expect((await call(api, "POST", "/v1/phone-numbers", { session, body: { e164 } })).status).toBe(201);
  });

  it("a number attached to another business is refused before Twilio is touched", async () => {
    const other = await createTestBusiness(db);
    const t = await createTestBusiness(db);
    const posts = twilioRest.requests.filter((x) => x.method === "POST").length;
    const r = await call(api, "POST", "/v1/phone-numbers", { session: await sessionFor(api, t.owner), body: { e164: other.phone.e164 } });
    expect(r.status).toBe(409);
    expect(twilioRest.requests.filter((x) => x.method === "POST").length).toBe(posts);
  });
});
