import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { verifyStreamToken } from "@frontdesk/core/calls/stream-token";
import { createTestBusiness, uniquePhoneNumber } from "../support/fixtures.ts";
import { parseTwiml, sid } from "../stand-ins/twilio-simulator.ts";
import { startCallPath, type CallPath } from "./harness.ts";

let path: CallPath;
let noAi: CallPath;
let oneSlot: CallPath;

beforeAll(async () => {
  [path, noAi, oneSlot] = await Promise.all([
    startCallPath(),
    startCallPath({ env: { OPENAI_API_KEY: undefined } }),
    startCallPath({ env: { MAX_CALLS_PER_INSTANCE: "1" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([path.close(), noAi.close(), oneSlot.close()]);
});

const ALWAYS_CLOSED = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } as Record<string, [string, string][]>;

describe("voice webhook", () => {
  it("connects an answered call to the wss stream with a signed token naming the call as a Parameter", async () => {
    const { business, phone } = await createTestBusiness(path.db);
    const callSid = sid("CA");
    const r = await path.twilio.postVoice({ callSid, from: "+15551230000", to: phone.e164 });
    expect(r.status).toBe(200);
    expect(r.contentType).toContain("text/xml");
    expect(r.twiml!.stream!.url).toBe("wss://relay.frontdesk.test/twilio/stream");
    expect(r.body).toMatch(/<Connect action="[^"]+"><Stream url="wss:\/\/relay\.frontdesk\.test\/twilio\/stream"><Parameter name="token" value="[^"]+"\/><\/Stream><\/Connect><\/Response>/);
    // Once the stream ends, Twilio asks the relay what comes next (nothing after <Connect> runs).
    expect(r.twiml!.connectAction).toBe("https://relay.frontdesk.test/twilio/stream-ended");
    const token = verifyStreamToken(path.config.appSecret, r.twiml!.stream!.parameters.token, "twilio-stream");
    const log = await forBusiness(path.db, business.id).callLog.findUniqueOrThrow({ where: { callSid } });
    expect(token).toMatchObject({ ok: true, claims: { callSid, businessId: business.id, callId: log.id } });
    expect(log).toMatchObject({ status: "ringing", direction: "inbound", fromNumber: "+15551230000", toNumber: phone.e164 });
  });

  it("refuses a forged or missing signature with 403 before looking anything up or opening a model socket", async () => {
    const { phone } = await createTestBusiness(path.db);
    const before = path.model.connections.length;
    const forged = sid("CA");
    const r1 = await path.twilio.postVoice({ callSid: forged, from: "+15551230000", to: phone.e164 }, { forge: true });
    const r2 = await path.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: phone.e164 }, { signature: null });
    expect([r1.status, r2.status]).toEqual([403, 403]);
    await new Promise((r) => setTimeout(r, 100));
    expect(path.model.connections.length).toBe(before);
    expect(await path.db.callLog.findUnique({ where: { callSid: forged } })).toBeNull();
  });

  it("tells a caller of an unknown number it is not in service, and hangs up", async () => {
    const r = await path.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: uniquePhoneNumber() });
    expect(r.status).toBe(200);
    expect(r.twiml).toMatchObject({ says: ["Sorry, this number is not in service. Goodbye."], hangup: true, stream: null });
  });

  it("answers a retried webhook for the same call with one call log", async () => {
    const { business, phone } = await createTestBusiness(path.db);
    const callSid = sid("CA");
    await path.twilio.postVoice({ callSid, from: "+15551230000", to: phone.e164 });
    const again = await path.twilio.postVoice({ callSid, from: "+15551230000", to: phone.e164 });
    expect(again.twiml?.stream).not.toBeNull();
    expect(await forBusiness(path.db, business.id).callLog.count({ where: { callSid } })).toBe(1);
  });

  it("an inactive business's caller hears it is not taking calls; the refused call is logged", async () => {
    const { business, phone } = await createTestBusiness(path.db, { name: "Shut Shop", isActive: false });
    const callSid = sid("CA");
    const r = await path.twilio.postVoice({ callSid, from: "+15551230000", to: phone.e164 });
    expect(r.twiml).toMatchObject({ says: ["Thanks for calling Shut Shop. We are not taking calls right now. Goodbye."], hangup: true, stream: null });
    expect(await forBusiness(path.db, business.id).callLog.findUnique({ where: { callSid } })).toMatchObject({ endReason: "business_inactive", status: "completed" });
  });

  it("without an OpenAI key the caller hears the assistant is not set up, or is put through to the fallback number", async () => {
    const plain = await createTestBusiness(noAi.db, { name: "Quiet Cafe" });
    const r = await noAi.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: plain.phone.e164 });
    expect(r.twiml).toMatchObject({ says: ["Thanks for calling Quiet Cafe. Our phone assistant is not set up yet. Please call again later. Goodbye."], hangup: true, stream: null });

    const withFallback = await createTestBusiness(noAi.db, { agent: { fallbackNumber: "+15559990000" } });
    const r2 = await noAi.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: withFallback.phone.e164 });
    expect(r2.twiml).toMatchObject({ dial: "+15559990000", hangup: false, stream: null });
  });

  it("outside opening hours a business that closes says its closed message; one that answers after hours still connects", async () => {
    const closed = await createTestBusiness(path.db, { name: "Night Owl", hours: ALWAYS_CLOSED, agent: { afterHours: "closed", closedMessage: "{business} is closed. Call us tomorrow." } });
    const r = await path.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: closed.phone.e164 });
    expect(r.twiml).toMatchObject({ says: ["Night Owl is closed. Call us tomorrow."], hangup: true, stream: null });

    const answers = await createTestBusiness(path.db, { hours: ALWAYS_CLOSED, agent: { afterHours: "answer" } });
    const r2 = await path.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: answers.phone.e164 });
    expect(r2.twiml?.stream).not.toBeNull();
  });

  it("holds a business to its plan's concurrent calls, and a finished call frees its line", async () => {
    const { phone } = await createTestBusiness(path.db, { name: "Small Plan", plan: "free" }); // 2 concurrent calls
    const sids = [sid("CA"), sid("CA"), sid("CA")];
    const answers = [];
    for (const callSid of sids) answers.push(await path.twilio.postVoice({ callSid, from: "+15551230000", to: phone.e164 }));
    expect(answers.map((a) => Boolean(a.twiml?.stream))).toEqual([true, true, false]);
    expect(answers[2]!.twiml!.says[0]).toBe("Thanks for calling Small Plan. All of our lines are busy right now. Please call again in a few minutes. Goodbye.");

    expect((await path.twilio.postStatus({ callSid: sids[0]!, status: "completed", durationSec: 3, to: phone.e164 })).status).toBe(204);
    const next = await path.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: phone.e164 });
    expect(next.twiml?.stream).not.toBeNull();
  });

  it("refuses calls once the plan's monthly minutes are used up", async () => {
    const { business, phone } = await createTestBusiness(path.db, { plan: "free" }); // 100 minutes
    await forBusiness(path.db, business.id).callLog.create({
      data: { businessId: business.id, callSid: sid("CA"), fromNumber: "+15551230000", toNumber: phone.e164, status: "completed", durationSec: 100 * 60 },
    });
    const r = await path.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: phone.e164 });
    expect(r.twiml?.stream).toBeNull();
    expect(r.twiml?.hangup).toBe(true);
  });

  it("refuses calls past MAX_CALLS_PER_INSTANCE on this instance", async () => {
    const { phone } = await createTestBusiness(oneSlot.db);
    const first = await oneSlot.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: phone.e164 });
    const second = await oneSlot.twilio.postVoice({ callSid: sid("CA"), from: "+15551230000", to: phone.e164 });
    expect([Boolean(first.twiml?.stream), Boolean(second.twiml?.stream)]).toEqual([true, false]);
  });

  it("answers a signed request without a CallSid with a polite message, never a 5xx", async () => {
    const r = await path.twilio.post("/twilio/voice", { To: uniquePhoneNumber(), From: "+15551230000" });
    expect(r.status).toBe(200);
    expect(parseTwiml(r.body)).toMatchObject({ hangup: true, stream: null });
  });
});
