import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribeCallEvents, type CallEvent } from "@frontdesk/core/calls/call-events";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { sid } from "../stand-ins/twilio-simulator.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";

let path: CallPath;
let biz: TestBusiness;
const digits: string[] = [];
const ended: string[] = [];

beforeAll(async () => {
  path = await startCallPath({
    scenario: { callerTurns: ["Hello?"], reply: () => ({ say: "Hello there." }) },
    hooks: {
      onDtmf: (digit) => void digits.push(digit),
      onCallEnded: (e, context) => void ended.push(`${context.callSid}:${e.endReason}`),
    },
  });
  biz = await createTestBusiness(path.db);
});
afterAll(async () => {
  await path.close();
});

describe("relay lifecycle", () => {
  it("answers /healthz, /readyz (database and cache) and /metrics", async () => {
    expect(await (await fetch(`${path.relayUrl}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${path.relayUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", db: true, cache: true });
    const metrics = await (await fetch(`${path.relayUrl}/metrics`)).text();
    expect(metrics).toContain("relay_live_calls");
    expect(metrics).toContain("relay_calls_started_total");
  });

  it("announces call.started, each finished utterance as call.transcript, and call.ended; hooks see keypad digits and the end", async () => {
    const events: CallEvent[] = [];
    const unsubscribe = await subscribeCallEvents(path.cache, biz.business.id, (e) => void events.push(e));
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await model.waitFor(() => model.responses[0]?.status === "completed", 5_000, "the greeting");
    await phone.waitForHeard([...model.items.values()][0]!.producedBytes / 8);
    // The phone can finish playing before the relay's last mark returns: press once it is stored.
    await eventually(async () => events.some((e) => e.type === "call.transcript"), 5_000, "the greeting's line");
    phone.dtmf("5");
    phone.say(300, 700);
    await eventually(async () => events.filter((e) => e.type === "call.transcript").length >= 4, 8_000, "four transcript events");
    await phone.hangUp();
    await eventually(async () => events.some((e) => e.type === "call.ended"), 5_000, "call.ended");
    await unsubscribe();

    const call = await path.db.callLog.findUniqueOrThrow({ where: { callSid: phone.callSid } });
    expect(events.map((e) => e.type)).toEqual(["call.started", ...Array(4).fill("call.transcript"), "call.ended"]);
    expect(events.every((e) => e.callId === call.id && e.businessId === biz.business.id)).toBe(true);
    expect(events.filter((e) => e.type === "call.transcript").map((e) => [e.data.role, e.data.text])).toEqual([
      ["agent", "Thanks for calling " + biz.business.name + ". How can I help you today?"],
      ["system", "The caller pressed 5 on the keypad."],
      ["caller", "Hello?"],
      ["agent", "Hello there."],
    ]);
    expect(events.at(-1)!.data).toMatchObject({ endReason: "caller_hangup", callSid: phone.callSid });
    expect(digits).toEqual(["5"]);
    expect(ended).toEqual([`${phone.callSid}:caller_hangup`]);
  });

  it("draining refuses new calls and streams but lets the live call finish", async () => {
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    await phone.waitForHeard(100);
    let drained = false;
    const draining = path.relay.drain().then(() => (drained = true));

    const refused = await path.twilio.postVoice({ callSid: sid("CA"), from: "+15550001111", to: biz.phone.e164 });
    expect(refused.twiml?.stream).toBeNull();
    expect(refused.twiml?.hangup).toBe(true);
    expect((await fetch(`${path.relayUrl}/readyz`)).status).toBe(503);
    const late = await path.twilio.openRawStream({ to: biz.phone.e164, streamUrl: phone.twiml!.stream!.url, token: phone.twiml!.stream!.parameters.token! });
    expect(late.closeCode).toBe(503);

    await new Promise((r) => setTimeout(r, 200));
    expect(drained).toBe(false);
    expect(phone.closeCode).toBeUndefined(); // still talking
    await phone.hangUp();
    await draining;
    expect(drained).toBe(true);
  });
});
