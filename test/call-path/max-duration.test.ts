import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBusiness } from "../support/fixtures.ts";
import { startCallPath, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, producedMs } from "./call-steps.ts";

// The agent settings' limit is at least a minute; the relay's clock is shortened for the test.
const LIMIT_MS = 3_000;
const WARN_BEFORE_MS = 1_500;
const WARNING = "Just so you know, we only have about 2 seconds left on this call.";
const GOODBYE = "I'm sorry, we've reached the time limit for this call. Thank you for calling, goodbye.";

let path: CallPath;

beforeAll(async () => {
  path = await startCallPath({ twilioRest: true, timings: { maxCallDurationMs: LIMIT_MS, warnBeforeEndMs: WARN_BEFORE_MS } });
});
afterAll(async () => {
  await path.close();
});

describe("maximum call duration", () => {
  it("warns the caller shortly before the limit, then says goodbye and hangs up once the goodbye has played", async () => {
    path.model.setScenario({});
    const biz = await createTestBusiness(path.db, { agent: { greeting: "Hi there." } });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);

    const request = await path.rest!.waitForRequest((r) => r.callSid === phone.callSid, 10_000);
    expect(request.params).toEqual({ Status: "completed" });
    const [update] = phone.restUpdates;
    expect(update!.playedBytes).toBe(update!.receivedBytes);
    expect(update!.receivedBytes / 8).toBe(producedMs(model));

    const call = await endedCall(path.db, phone.callSid);
    expect(call.endReason).toBe("max_duration");
    expect(call.segments.map((s) => [s.role, s.text])).toEqual([
      ["agent", "Hi there."],
      ["system", "The call is close to its maximum length."],
      ["agent", WARNING],
      ["system", "The call reached its maximum length."],
      ["agent", GOODBYE],
    ]);
    const warnedAt = call.segments[2]!.startMs;
    expect(warnedAt).toBeGreaterThanOrEqual(LIMIT_MS - WARN_BEFORE_MS);
    expect(call.segments[4]!.startMs).toBeGreaterThanOrEqual(LIMIT_MS);
  });

  it("an agent still talking at the limit is cut off for the goodbye", async () => {
    path.model.setScenario({ msPerWord: 600 }); // a greeting of some 25 s, played in about 6
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const biz = await createTestBusiness(path.db, { agent: { greeting: `Welcome! ${words}` } });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);

    await path.rest!.waitForRequest((r) => r.callSid === phone.callSid, 12_000);
    expect(model.responses[0]!.status).toBe("cancelled");
    const call = await endedCall(path.db, phone.callSid);
    expect(call.endReason).toBe("max_duration");
    const agent = call.segments.filter((s) => s.role === "agent");
    // The warning came while the agent was talking and was overtaken by the goodbye.
    expect(agent.map((s) => s.text)).toEqual([expect.stringMatching(/^Welcome! word0/), GOODBYE]);
    expect(agent[0]!.interrupted).toBe(true);
    // Nothing was left to play: the goodbye had been heard in full.
    expect(phone.restUpdates[0]).toMatchObject({ queuedBytes: 0, marksOutstanding: 0 });
    const goodbye = [...model.items.values()].find((i) => i.text === GOODBYE)!;
    const afterClear = phone.trace.slice(phone.trace.findLastIndex((e) => e.kind === "clear"));
    expect(afterClear.reduce((n, e) => n + (e.kind === "media" ? e.bytes : 0), 0)).toBe(goodbye.producedBytes);
  });
});
