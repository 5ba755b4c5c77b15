import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBusiness, uniquePhoneNumber } from "../support/fixtures.ts";
import type { StandInConnection } from "../stand-ins/openai-realtime.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, transcriptWith } from "./call-steps.ts";

const BACKOFF_MS = [400, 400, 400];
let path: CallPath;

beforeAll(async () => {
  path = await startCallPath({ twilioRest: true, timings: { reconnectBackoffMs: BACKOFF_MS } });
});
afterAll(async () => {
  await path.close();
});

/** What a restored session was told: each conversation item as [role, text]. */
function restoredItems(model: StandInConnection) {
  return model.receivedOfType("conversation.item.create").map((e) => [e.item.role, e.item.content?.[0]?.text]);
}

/** How many reconnects of this outcome /metrics reports. */
async function reconnects(outcome: string): Promise<number> {
  const text = await (await fetch(`${path.relayUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("relay_model_reconnects_total{") && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

describe("the model's socket drops mid-call", () => {
  it("reconnects, restores the conversation so far, and the caller's words during the gap still reach the model", async () => {
    path.model.setScenario({ callerTurns: ["What time do you close today?"], reply: () => ({ say: "We close at six tonight." }) });
    const biz = await createTestBusiness(path.db, { name: "Lakeside Bakery", agent: { greeting: "Lakeside Bakery, hello!" } });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const first = await path.model.connection(n);
    await greetingHeard(phone, first);
    phone.say(900, 800, 1);
    await transcriptWith(path.db, phone.callSid, (s) => s.text === "We close at six tonight.");
    await phone.waitForHeard(1_000);

    // The next session has its own script; the caller talks straight into the gap.
    path.model.setScenario({ callerTurns: ["And are you open on Sunday?"], reply: () => ({ say: "Yes, from ten until four on Sundays." }) });
    const droppedAt = performance.now();
    const framesAtDrop = phone.sentAudio.length;
    first.drop();
    phone.say(900, 800, 2);
    const second = await path.model.connection(n + 1, 5_000);
    expect(performance.now() - droppedAt).toBeGreaterThanOrEqual(BACKOFF_MS[0]! - 20);
    expect(phone.sentAudio.length - framesAtDrop).toBeGreaterThan(40); // the caller kept talking meanwhile

    const answer = await transcriptWith(path.db, phone.callSid, (s) => s.text === "Yes, from ten until four on Sundays.", 10_000);
    expect(answer.map((s) => [s.role, s.text])).toEqual([
      ["agent", "Lakeside Bakery, hello!"],
      ["caller", "What time do you close today?"],
      ["agent", "We close at six tonight."],
      ["caller", "And are you open on Sunday?"],
      ["agent", "Yes, from ten until four on Sundays."],
    ]);
    // The new session got the same setup, then the conversation, before any audio.
    expect(second.received[0]!.type).toBe("session.update");
    expect(second.received[0]!.session.instructions).toBe(first.receivedOfType("session.update")[0]!.session.instructions);
    expect(restoredItems(second)).toEqual([
      ["assistant", "Lakeside Bakery, hello!"],
      ["user", "What time do you close today?"],
      ["assistant", "We close at six tonight."],
      ["system", expect.stringContaining("same phone call")],
    ]);
    const firstAppend = second.received.findIndex((e) => e.type === "input_audio_buffer.append");
    expect(second.received.slice(0, firstAppend).map((e) => e.type)).toEqual(["session.update", ...Array(4).fill("conversation.item.create")]);
    expect(second.receivedOfType("response.create")).toHaveLength(0); // nothing was owed: the caller's words start the turn

    await phone.hangUp();
    await second.closedPromise;
    // Every frame the caller sent reached a model session, once and in order.
    expect(Buffer.concat([...first.inputAudio, ...second.inputAudio]).equals(Buffer.concat(phone.sentAudio))).toBe(true);
    expect(await endedCall(path.db, phone.callSid)).toMatchObject({ endReason: "caller_hangup" });
    expect(await reconnects("restored")).toBe(1);
  });

  it("a drop while the agent is speaking stores what was heard and the restored agent carries on unprompted", async () => {
    path.model.setScenario({ msPerWord: 500 });
    const words = Array.from({ length: 30 }, (_, i) => `part${i}`).join(" ");
    const biz = await createTestBusiness(path.db, { agent: { greeting: `Hello and welcome, ${words}` } });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const first = await path.model.connection(n);
    await phone.waitForHeard(1_200);
    path.model.setScenario({});
    first.drop();
    const second = await path.model.connection(n + 1, 5_000);
    // The caller was owed the rest of an answer: the restored session is asked to go on.
    await second.waitFor(() => second.responses.length === 1 && second.responses[0]!.status === "completed", 5_000, "the resumed answer");
    expect(second.receivedOfType("response.create")).toHaveLength(1);
    const segments = await transcriptWith(path.db, phone.callSid, (s) => s.text === "How else can I help?");
    const greeting = segments[0]!;
    expect(greeting.text.startsWith("Hello and welcome,")).toBe(true);
    expect(greeting.text.split(" ").length).toBeLessThan(33); // cut where the audio stopped
    expect(restoredItems(second)[0]).toEqual(["assistant", greeting.text]);
    await phone.hangUp();
  });

  it("a model that refuses the call's first connection is tried again, and the caller still gets the greeting and is heard", async () => {
    path.model.setScenario({ callerTurns: ["Hi, anyone there?"], reply: () => ({ say: "Yes, I'm here." }) });
    const biz = await createTestBusiness(path.db, { agent: { greeting: "Sorry for the wait, hello!" } });
    const refusedBefore = path.model.refused;
    path.model.refuseNext(1);
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    phone.say(600, 800); // the caller talks before any model is listening
    const model = await path.model.connection(n, 5_000);
    expect(path.model.refused - refusedBefore).toBe(1);
    await transcriptWith(path.db, phone.callSid, (s) => s.text === "Yes, I'm here.", 10_000);
    expect(phone.closeCode).toBeUndefined(); // still going
    expect(model.receivedOfType("response.create")[0]!.response.instructions).toContain("Sorry for the wait, hello!");
    await phone.hangUp();
    await model.closedPromise;
    expect(Buffer.concat(model.inputAudio).equals(Buffer.concat(phone.sentAudio))).toBe(true);
  });

  it("while the connection is being restored the caller hears a comfort tone, not silence", async () => {
    path.model.setScenario({});
    const biz = await createTestBusiness(path.db, { agent: { greeting: "Good afternoon." } });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 1 });
    const first = await path.model.connection(n);
    await greetingHeard(phone, first);
    const greetingBytes = phone.receivedBytes;
    path.model.refuseNext(2); // three attempts 400 ms apart: over a second without a model
    first.drop();
    await phone.waitFor(() => phone.receivedBytes > greetingBytes, 3_000, "a comfort tone");
    expect(path.model.connections.length).toBe(n); // no model session was answering yet
    const second = await path.model.connection(n + 1, 8_000);
    await second.waitFor(() => second.responses.length > 0 || second.received.length > 0, 5_000, "the restored session");
    // The tone stops once the model is back (its first event reaches the relay a moment later).
    await new Promise((r) => setTimeout(r, 200));
    const atRestore = phone.receivedBytes;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(phone.receivedBytes).toBe(atRestore);
    await phone.hangUp();
    expect(await endedCall(path.db, phone.callSid)).toMatchObject({ endReason: "caller_hangup" });
  });

  it("when the model cannot be reached again, the caller hears an apology from Twilio and the call ends cleanly", async () => {
    path.model.setScenario({});
    const biz = await createTestBusiness(path.db, { agent: { greeting: "Good morning." } });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const first = await path.model.connection(n);
    await greetingHeard(phone, first);
    const refusedBefore = path.model.refused;
    const [gaveUpBefore, failedBefore] = [await reconnects("gave_up"), await reconnects("attempt_failed")];
    path.model.refuseNext(BACKOFF_MS.length);
    const droppedAt = performance.now();
    first.drop();

    const request = await path.rest!.waitForRequest((r) => r.callSid === phone.callSid, 8_000);
    expect(performance.now() - droppedAt).toBeGreaterThanOrEqual(BACKOFF_MS.reduce((a, b) => a + b) - 50);
    expect(path.model.refused - refusedBefore).toBe(BACKOFF_MS.length);
    const twiml = phone.restUpdates[0]!.twiml!;
    expect(twiml.says).toEqual(["I'm sorry, I'm having technical trouble and can't continue this call. Please call back in a few minutes. Goodbye."]);
    expect(twiml.hangup).toBe(true);
    expect(request.params.Twiml).toContain("<Hangup/>");
    expect(await endedCall(path.db, phone.callSid)).toMatchObject({ endReason: "model_unavailable" });
    expect(path.model.connections.length).toBe(n); // no session was opened after the drop
    expect((await reconnects("gave_up")) - gaveUpBefore).toBe(1);
    expect((await reconnects("attempt_failed")) - failedBefore).toBe(BACKOFF_MS.length);
  });

  it("with a fallback number, the apology puts the caller through to it", async () => {
    path.model.setScenario({});
    const fallback = uniquePhoneNumber();
    const biz = await createTestBusiness(path.db, { agent: { greeting: "Good morning.", fallbackNumber: fallback } });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const first = await path.model.connection(n);
    await greetingHeard(phone, first);
    path.model.refuseNext(BACKOFF_MS.length);
    first.cut(); // no close frame this time: the connection is simply gone
    await eventually(async () => phone.restUpdates[0], 8_000, "the REST redirect");
    expect(phone.restUpdates[0]!.twiml).toMatchObject({ says: [expect.stringContaining("put you through")], dial: fallback });
    expect(await endedCall(path.db, phone.callSid)).toMatchObject({ endReason: "model_unavailable" });
  });
});
