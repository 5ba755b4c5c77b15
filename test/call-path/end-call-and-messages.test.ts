import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { subscribeCallEvents, WEBHOOK_FANOUT_JOB, type CallEvent } from "@frontdesk/core/calls/call-events";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, producedMs, transcriptWith } from "./call-steps.ts";

const GOODBYE = "You're welcome, have a lovely day. Goodbye!";
const THANKS = "Thanks Jordan, I've passed your message on and someone will call you back.";

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath({ twilioRest: true });
  biz = await createTestBusiness(path.db, { name: "Corner Garage", agent: { greeting: "Corner Garage, how can I help?" } });
});
afterAll(async () => {
  await path.close();
});

describe("the agent ends the call", () => {
  it("end_call hangs up through Twilio only after the goodbye has played", async () => {
    path.model.setScenario({
      callerTurns: ["That's everything, thanks. Bye!"],
      reply: () => ({ tool: { name: "end_call", arguments: { reason: "caller said goodbye" } }, then: () => GOODBYE }),
    });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    phone.say(800, 800);

    const request = await path.rest!.waitForRequest((r) => r.callSid === phone.callSid, 15_000);
    expect(request.params).toEqual({ Status: "completed" });
    const [update] = phone.restUpdates;
    expect([...model.items.values()].at(-1)!.text).toBe(GOODBYE);
    expect(update!.receivedBytes / 8).toBe(producedMs(model));
    expect(update!.playedBytes).toBe(update!.receivedBytes);
    expect(update!.marksOutstanding).toBe(0);

    const call = await endedCall(path.db, phone.callSid);
    expect(call.endReason).toBe("agent_end_call");
    expect(call.segments.map((s) => [s.role, s.toolName])).toEqual([["agent", null], ["caller", null], ["tool", "end_call"], ["agent", null]]);
    expect(call.segments.at(-1)).toMatchObject({ text: GOODBYE, interrupted: false });
    await model.closedPromise;
  });
});

describe("taking a message", () => {
  it("a message lands as a CallMessage and a message.taken event (live and as a webhook), and the agent confirms it", async () => {
    path.model.setScenario({
      callerTurns: ["Can someone call me back about my car's brakes?"],
      reply: () => ({
        tool: {
          name: "take_message",
          arguments: { name: "Jordan Lee", callback_number: "+1 (555) 010-2030", message: "Please call back about the squeaky brakes on my Civic." },
        },
        then: (output) => ((JSON.parse(output) as { saved?: boolean }).saved ? THANKS : "Sorry, that didn't work."),
      }),
    });
    const live: CallEvent[] = [];
    const unsubscribe = await subscribeCallEvents(path.cache, biz.business.id, (e) => live.push(e));
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, from: "+15550199999", speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    phone.say(900, 800);

    const segments = await transcriptWith(path.db, phone.callSid, (s) => s.role === "agent" && s.text === THANKS, 10_000);
    const tool = segments.find((s) => s.role === "tool")!;
    expect(tool.toolName).toBe("take_message");
    expect(tool.latencyMs).toBeTypeOf("number");

    const scoped = forBusiness(path.db, biz.business.id);
    const call = await scoped.callLog.findUniqueOrThrow({ where: { callSid: phone.callSid }, include: { messages: true } });
    expect(call.messages).toHaveLength(1);
    expect(call.messages[0]).toMatchObject({
      callerName: "Jordan Lee",
      callbackNumber: "+15550102030",
      message: "Please call back about the squeaky brakes on my Civic.",
      status: "new",
    });
    const jobs = await scoped.job.findMany({ where: { kind: WEBHOOK_FANOUT_JOB } });
    const webhook = jobs.map((j) => j.payload as unknown as CallEvent).find((e) => e.type === "message.taken" && e.callId === call.id);
    expect(webhook?.data).toMatchObject({ messageId: call.messages[0]!.id, callerName: "Jordan Lee", callbackNumber: "+15550102030" });
    await eventually(async () => live.find((e) => e.type === "message.taken" && e.callId === call.id));
    await unsubscribe();
    await phone.hangUp();
  });

  it("without a callback number the caller's own number is used; a number that is not one is sent back to the agent", async () => {
    let attempt = 0;
    path.model.setScenario({
      callerTurns: ["Leave a message for Sam please.", "Call me on this number."],
      reply: () => ({
        tool: {
          name: "take_message",
          arguments:
            attempt++ === 0
              ? { name: "Riley", callback_number: "call me maybe", message: "Sam, please ring me." }
              : { name: "Riley", message: "Sam, please ring me." },
        },
        then: (output) => ((JSON.parse(output) as { saved?: boolean }).saved ? "Done, Sam will call you." : "What number should Sam call?"),
      }),
    });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, from: "+15550177777", speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    phone.say(700, 800, 1);
    await transcriptWith(path.db, phone.callSid, (s) => s.text === "What number should Sam call?", 10_000);
    await phone.waitForHeard(500);
    phone.say(700, 800, 2);
    const segments = await transcriptWith(path.db, phone.callSid, (s) => s.text === "Done, Sam will call you.", 10_000);
    expect(segments.filter((s) => s.role === "tool").map((s) => s.text.includes("failed"))).toEqual([true, false]);
    const messages = await forBusiness(path.db, biz.business.id).callMessage.findMany({ where: { call: { callSid: phone.callSid } } });
    expect(messages.map((m) => m.callbackNumber)).toEqual(["+15550177777"]);
    await phone.hangUp();
  });
});
