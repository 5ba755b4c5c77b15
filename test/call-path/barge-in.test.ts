import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { agentTurnsOnPhone, type MarkPolicy, type PhoneCall } from "../stand-ins/twilio-simulator.ts";
import type { StandInConnection } from "../stand-ins/openai-realtime.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";

// Long replies, so every interruption lands while the agent is mid-sentence.
const REPLY = Array.from({ length: 32 }, (_, i) => `word${i + 1}`).join(" ");
const GREETING = "Hello and thank you for calling {business}. " + Array.from({ length: 24 }, (_, i) => `greet${i + 1}`).join(" ");
// How much of each agent turn the caller hears before talking over it.
const HEARD_BEFORE_INTERRUPTING_MS = [700, 1300, 300, 2100, 500, 1700];

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath({
    scenario: {
      callerTurns: HEARD_BEFORE_INTERRUPTING_MS.map((_, i) => `Sorry to interrupt, question ${i + 1}.`),
      reply: () => ({ say: REPLY }),
      speedup: 8,
      lateDeltasAfterCancel: 3,
    },
  });
  biz = await createTestBusiness(path.db, { name: "Harbour Dental", agent: { greeting: GREETING } });
});
afterAll(async () => {
  await path.close();
});

/** Interrupts the agent after each listed amount of its turn; lets the last reply finish. */
async function interruptRepeatedly(phone: PhoneCall, model: StandInConnection) {
  for (const [i, heardMs] of HEARD_BEFORE_INTERRUPTING_MS.entries()) {
    await phone.waitForHeard(heardMs, 15_000);
    phone.say(400, 700, i + 1);
    await model.waitFor(() => model.truncations.length === i + 1, 10_000, `truncation ${i + 1}`);
    await phone.waitForQuiet(10_000);
  }
  // The reply to the last question plays to the end.
  await model.waitFor(() => model.responses.length === HEARD_BEFORE_INTERRUPTING_MS.length + 1 && model.responses.at(-1)!.status === "completed", 15_000, "the last reply");
  const last = [...model.items.values()].at(-1)!;
  await phone.waitFor(() => phone.playedSinceSpeechMs >= last.producedBytes / 8, 15_000, "the last reply to play out");
}

/**
 * Interrupts each agent turn just before a mark would come back: once the caller has heard
 * about `heardMs`, at the frame after which the next mark is still 0–20 ms of audio away —
 * the latest point in a mark interval, where the relay knows least of what was heard.
 */
async function interruptLateInMarkIntervals(phone: PhoneCall, model: StandInConnection) {
  for (const [i, heardMs] of HEARD_BEFORE_INTERRUPTING_MS.entries()) {
    await phone.waitFor(
      () => phone.playedSinceSpeechMs >= heardMs && phone.untilNextMarkMs !== undefined && phone.untilNextMarkMs > 20 && phone.untilNextMarkMs <= 40,
      15_000,
      `a point late in a mark interval after ${heardMs} ms`,
    );
    phone.say(400, 700, i + 1);
    await model.waitFor(() => model.truncations.length === i + 1, 10_000, `truncation ${i + 1}`);
    await phone.waitForQuiet(10_000);
  }
}

/**
 * Errors the model sent back. With server VAD the model cancels its own response when the
 * caller starts talking, so the relay's response.cancel can race it and be told no response
 * is active — expected and harmless; anything else is a real refusal.
 */
function refusals(model: StandInConnection) {
  return model.errors.filter((e) => e.error?.code !== "response_cancel_not_active");
}

function audioItems(model: StandInConnection) {
  return [...model.items.values()].filter((i) => i.type === "message" && i.producedBytes > 0);
}

async function runInterruptedCall(marks: MarkPolicy) {
  const n = path.model.connections.length + 1;
  const phone = await path.twilio.call({ to: biz.phone.e164, speed: 8, marks });
  const model = await path.model.connection(n);
  await interruptRepeatedly(phone, model);
  await phone.hangUp();
  const call = await eventually(
    () => path.db.callLog.findUnique({ where: { callSid: phone.callSid } }).then((c) => (c?.status === "completed" ? c : null)),
    5_000,
    "the call to end",
  );
  return { phone, model, call };
}

function expectExactTruncations(phone: PhoneCall, model: StandInConnection) {
  const items = audioItems(model);
  const turns = agentTurnsOnPhone(phone.trace, items.map((i) => i.producedBytes / 8));
  expect(refusals(model)).toEqual([]);
  expect(model.truncations).toHaveLength(HEARD_BEFORE_INTERRUPTING_MS.length);
  expect(phone.clears).toBe(HEARD_BEFORE_INTERRUPTING_MS.length);
  for (const t of model.truncations) {
    const turn = turns[items.findIndex((i) => i.id === t.itemId)]!;
    expect(turn.cleared).toBe(true);
    // Exactly what the phone had confirmed playing before the barge-in, plus the frame in play.
    expect(t.audioEndMs).toBe(Math.min(turn.sentMs, turn.ackedMs + 20));
    expect(t.audioEndMs).toBeLessThanOrEqual(turn.sentMs);
  }
  // Items that were not interrupted reached the phone whole, and no late delta of an
  // interrupted one leaked into the next: every byte the phone got is accounted for.
  items.forEach((item, i) => {
    if (!model.truncations.some((t) => t.itemId === item.id)) expect(turns[i]!.sentMs).toBe(item.producedBytes / 8);
  });
  const receivedMs = phone.receivedBytes / 8;
  expect(turns.reduce((ms, t) => ms + t.sentMs, 0)).toBe(receivedMs);
}

describe("barge-in", () => {
  it("six interruptions in one call each clear the phone and truncate exactly to what was heard (marks echoed promptly)", async () => {
    const { phone, model, call } = await runInterruptedCall({ lateByMs: 0, holdWhileCallerSpeaks: true });
    expectExactTruncations(phone, model);
    // Each interruption also cancelled the model's response and dropped its late audio.
    expect(model.responses.filter((r) => r.status === "cancelled")).toHaveLength(HEARD_BEFORE_INTERRUPTING_MS.length);

    // The stored transcript keeps only what the caller heard of each interrupted turn.
    const segments = await forBusiness(path.db, biz.business.id).transcriptSegment.findMany({ where: { callId: call.id }, orderBy: { sequence: "asc" } });
    const agent = segments.filter((s) => s.role === "agent");
    expect(agent.filter((s) => s.interrupted)).toHaveLength(HEARD_BEFORE_INTERRUPTING_MS.length);
    for (const s of agent.filter((a) => a.interrupted)) {
      const item = model.items.get(s.itemId!)!;
      const t = model.truncations.find((x) => x.itemId === s.itemId)!;
      expect(item.text.startsWith(s.text)).toBe(true);
      const words = s.text ? s.text.split(" ").length : 0;
      // Cut in proportion to the audio heard (the stand-in speaks 280 ms a word), to within a word.
      expect(Math.abs(words - t.audioEndMs / 280)).toBeLessThanOrEqual(1.5);
    }
    expect(agent.at(-1)).toMatchObject({ text: REPLY, interrupted: false });
    expect(segments.filter((s) => s.role === "caller").map((s) => s.text)).toEqual(
      HEARD_BEFORE_INTERRUPTING_MS.map((_, i) => `Sorry to interrupt, question ${i + 1}.`),
    );
  });

  it("marks agent audio at most 100 ms apart, so an interruption late in a mark interval truncates to within one interval of what was heard", async () => {
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 8, marks: { lateByMs: 0, holdWhileCallerSpeaks: true } });
    const model = await path.model.connection(n);
    await interruptLateInMarkIntervals(phone, model);
    await phone.hangUp();
    const items = audioItems(model);
    const turns = agentTurnsOnPhone(phone.trace, items.map((i) => i.producedBytes / 8));
    expect(refusals(model)).toEqual([]);
    expect(model.truncations).toHaveLength(HEARD_BEFORE_INTERRUPTING_MS.length);
    for (const turn of turns) {
      const gaps = turn.markedAtMs.map((at, k) => at - (turn.markedAtMs[k - 1] ?? 0));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(100);
    }
    for (const t of model.truncations) {
      const turn = turns[items.findIndex((i) => i.id === t.itemId)]!;
      const heard = turn.heardAtSpeechMs!;
      expect(heard).toBeGreaterThan(0);
      // The caller was 0–20 ms short of the next mark: the relay knew of up to 100 ms less.
      expect(t.audioEndMs).toBeLessThanOrEqual(turn.sentMs);
      expect(t.audioEndMs).toBe(Math.min(turn.sentMs, turn.ackedMs + 20));
      expect(t.audioEndMs).toBeGreaterThanOrEqual(heard - 100);
    }
  });

  it("stays exact when the phone echoes marks late", async () => {
    const { phone, model } = await runInterruptedCall({ lateByMs: 60, holdWhileCallerSpeaks: true });
    expectExactTruncations(phone, model);
    // Late echoes mean the relay knows of less audio played: it still never claims more.
    const items = audioItems(model);
    const turns = agentTurnsOnPhone(phone.trace, items.map((i) => i.producedBytes / 8));
    expect(turns.some((t) => t.cleared && t.ackedMs + 20 < t.sentMs)).toBe(true);
  });

  it("never truncates past what was sent, even with mark echoes in flight across the barge-in", async () => {
    const { phone, model } = await runInterruptedCall({ lateByMs: 0, holdWhileCallerSpeaks: false });
    const items = audioItems(model);
    const turns = agentTurnsOnPhone(phone.trace, items.map((i) => i.producedBytes / 8));
    expect(refusals(model)).toEqual([]);
    expect(model.truncations).toHaveLength(HEARD_BEFORE_INTERRUPTING_MS.length);
    for (const t of model.truncations) {
      const turn = turns[items.findIndex((i) => i.id === t.itemId)]!;
      expect(t.audioEndMs).toBeLessThanOrEqual(turn.sentMs);
      // Between what the phone had confirmed when the caller began and when the clear came.
      expect(t.audioEndMs).toBeLessThanOrEqual(Math.min(turn.sentMs, turn.ackedMs + 20));
      expect(t.audioEndMs).toBeGreaterThanOrEqual(Math.min(turn.sentMs, turn.ackedBeforeSpeechMs + 20));
    }
  });
});
