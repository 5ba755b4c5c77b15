import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";
import { greetingHeard, transcriptWith } from "./call-steps.ts";

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath({
    scenario: {
      callerTurns: ["Do you do gluten free bread?", "Sorry, one more thing."],
      reply: ({ index }) =>
        index === 0
          ? { tool: { name: "search_knowledge_base", arguments: { query: "gluten free bread" } }, then: () => "Yes, " + Array.from({ length: 30 }, (_, i) => `loaf${i}`).join(" ") }
          : { say: "Go ahead." },
    },
  });
  biz = await createTestBusiness(path.db, { name: "Metric Bakery", agent: { greeting: "Hello!" } });
});
afterAll(async () => {
  await path.close();
});

/** A metric's value on /metrics, summed over the series that carry all of `labels`. */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${path.relayUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split("\n")
    .filter((l) => (l.startsWith(name + "{") || l.startsWith(name + " ")) && wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

describe("relay metrics", () => {
  it("/metrics counts live calls, frames in and out, agent audio forward latency, barge-ins and tool latency", async () => {
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    expect(await sample("relay_live_calls")).toBe(1);
    phone.say(900, 800, 1);
    await transcriptWith(path.db, phone.callSid, (s) => s.role === "tool");
    await phone.waitFor(() => phone.playedSinceSpeechMs > 600, 8_000, "the answer to be playing");
    phone.say(400, 700, 2); // talks over the answer
    await model.waitFor(() => model.truncations.length === 1, 5_000, "the barge-in");
    await transcriptWith(path.db, phone.callSid, (s) => s.text === "Go ahead.");
    await phone.hangUp();
    await eventually(async () => (await sample("relay_live_calls")) === 0, 5_000, "the call to end");

    const mediaToPhone = phone.trace.filter((e) => e.kind === "media").length;
    expect(await sample("relay_caller_frames_total")).toBe(phone.sentAudio.length);
    expect(await sample("relay_agent_chunks_total")).toBe(mediaToPhone);
    expect(await sample("relay_agent_audio_forward_ms_count")).toBe(mediaToPhone);
    // Coalescing holds audio at most ~100 ms, so every chunk left within the top bucket.
    expect(await sample("relay_agent_audio_forward_ms_bucket", { le: "200" })).toBe(mediaToPhone);
    expect(await sample("relay_barge_ins_total")).toBe(1);
    expect(await sample("relay_tool_latency_ms_count", { tool: "search_knowledge_base", outcome: "ok" })).toBe(1);
    expect(await sample("relay_model_reconnects_total")).toBe(0);
    expect(await sample("relay_calls_ended_total", { transport: "twilio", reason: "caller_hangup" })).toBe(1);
  });
});
