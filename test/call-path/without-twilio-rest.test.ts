// A relay with no Twilio REST credentials: every deliberate end of the stream says what the
// call does next through the stream's <Connect action> (POST /twilio/stream-ended), so a
// goodbye ends the call, a transfer puts the caller through and an apology is an apology —
// never the "assistant is having trouble" message a lost stream gets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { sid } from "../stand-ins/twilio-simulator.ts";
import { startCallPath, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, producedMs } from "./call-steps.ts";

const GOODBYE = "Thanks for calling, goodbye!";
const STREAM_LOST = "Sorry, our assistant is having trouble right now. Please call again in a few minutes.";
const BACKOFF_MS = [200, 200];

let path: CallPath;
let biz: TestBusiness;
const transferNumber = uniquePhoneNumber();

beforeAll(async () => {
  path = await startCallPath({ twilioRest: false, timings: { reconnectBackoffMs: BACKOFF_MS } });
  biz = await createTestBusiness(path.db, { name: "Lone Locksmith", agent: { transferNumber, greeting: "Lone Locksmith, hello." } });
});
afterAll(async () => {
  await path.close();
});

describe("without Twilio REST access", () => {
  it("end_call ends the call after the goodbye played, with no trouble message", async () => {
    path.model.setScenario({
      callerTurns: ["That's all, bye."],
      reply: () => ({ tool: { name: "end_call", arguments: { reason: "caller said goodbye" } }, then: () => GOODBYE }),
    });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    phone.say(700, 800);

    const next = await phone.waitForAfterStream(15_000);
    expect(next).toMatchObject({ says: [], hangup: true, dial: null });
    // The goodbye had played in full before the stream was ended.
    expect(phone.playedBytes / 8).toBe(producedMs(model));
    const call = await endedCall(path.db, phone.callSid);
    expect(call.endReason).toBe("agent_end_call");
    expect(call.segments.at(-1)).toMatchObject({ role: "agent", text: GOODBYE, interrupted: false });
  });

  it("pressing 0 puts the caller through once the hand-off has played", async () => {
    path.model.setScenario({});
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model, path.db);
    phone.dtmf("0");

    const next = await phone.waitForAfterStream(15_000);
    expect(next).toMatchObject({ says: [], dial: transferNumber });
    expect(phone.playedBytes / 8).toBe(producedMs(model));
    const call = await endedCall(path.db, phone.callSid);
    expect(call).toMatchObject({ endReason: "transferred", transferredTo: transferNumber });
    expect(call.segments.map((s) => s.text)).not.toContain("I'm sorry, I couldn't put you through just now. I can take a message and have someone call you back.");
    expect(call.segments.at(-1)!.text).toBe("Sure, connecting you to a member of our team now. Please hold.");
  });

  it("when the model cannot be reached again, the caller hears the apology (not the lost-stream message)", async () => {
    path.model.setScenario({});
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const first = await path.model.connection(n);
    await greetingHeard(phone, first);
    path.model.refuseNext(BACKOFF_MS.length);
    first.drop();

    const next = await phone.waitForAfterStream(10_000);
    expect(next).toMatchObject({ says: [expect.stringContaining("technical trouble")], hangup: true });
    expect(next!.says).not.toContain(STREAM_LOST);
    expect(await endedCall(path.db, phone.callSid)).toMatchObject({ endReason: "model_unavailable" });
  });
});

describe("the stream-ended action", () => {
  it("answers a stream that ended with nothing left for it (a lost stream) with the apology, or the fallback number", async () => {
    const lost = await path.twilio.post("/twilio/stream-ended", path.twilio.voiceParams({ callSid: sid("CA"), from: "+15550001111", to: biz.phone.e164 }));
    expect(lost.status).toBe(200);
    expect(lost.body).toContain(`<Say>${STREAM_LOST}</Say><Hangup/>`);
    const fallback = uniquePhoneNumber();
    const toFallback = await path.twilio.post(
      `/twilio/stream-ended?fallback=${encodeURIComponent(fallback)}`,
      path.twilio.voiceParams({ callSid: sid("CA"), from: "+15550001111", to: biz.phone.e164 }),
    );
    expect(toFallback.body).toContain(`<Dial>${fallback}</Dial>`);
  });

  it("refuses a request Twilio did not sign", async () => {
    const r = await path.twilio.post("/twilio/stream-ended", path.twilio.voiceParams({ callSid: sid("CA"), from: "+15550001111", to: biz.phone.e164 }), { forge: true });
    expect(r.status).toBe(403);
  });
});
