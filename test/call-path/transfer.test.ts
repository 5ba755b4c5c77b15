import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { mintTestCallTicket } from "@frontdesk/core/calls/test-call-ticket";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import type { Scenario } from "../stand-ins/openai-realtime.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, producedMs, transcriptWith } from "./call-steps.ts";

const HAND_OFF = "Of course, I'm putting you through to a member of our team now.";
const NO_ONE = "Sorry, nobody can take the call right now. I can take a message for you.";

/** The caller asks for a person; the model calls transfer_to_human and speaks its outcome. */
const asksForAPerson: Scenario = {
  callerTurns: ["Can I speak to a real person please?"],
  reply: () => ({
    tool: { name: "transfer_to_human", arguments: { reason: "caller asked for a person" } },
    then: (output) => ((JSON.parse(output) as { transferring?: boolean }).transferring ? HAND_OFF : NO_ONE),
  }),
};

let path: CallPath;
let staffed: TestBusiness;
let unstaffed: TestBusiness;
const transferNumber = uniquePhoneNumber();

beforeAll(async () => {
  path = await startCallPath({ twilioRest: true });
  staffed = await createTestBusiness(path.db, { name: "Staffed Salon", agent: { transferNumber, greeting: "Hello from {business}." } });
  unstaffed = await createTestBusiness(path.db, { name: "Solo Studio", agent: { greeting: "Hello from {business}." } });
});
afterAll(async () => {
  await path.close();
});

const dials = () => path.rest!.requests.filter((r) => r.params.Twiml?.includes("<Dial"));

describe("transfer to a person", () => {
  it("a caller who asks for a person is put through only after the hand-off sentence has played", async () => {
    path.model.setScenario(asksForAPerson);
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: staffed.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    phone.say(900, 800);

    const request = await path.rest!.waitForRequest((r) => r.callSid === phone.callSid && Boolean(r.params.Twiml), 15_000);
    expect(request.authorized).toBe(true);
    const [update] = phone.restUpdates;
    expect(update!.twiml?.dial).toBe(transferNumber);
    // The hand-off was spoken in full and the phone had played every bit of it, marks echoed.
    expect(model.items.size).toBeGreaterThanOrEqual(3);
    expect([...model.items.values()].some((i) => i.text === HAND_OFF)).toBe(true);
    expect(update!.receivedBytes / 8).toBe(producedMs(model));
    expect(update!.playedBytes).toBe(update!.receivedBytes);
    expect(update!.marksOutstanding).toBe(0);

    const call = await endedCall(path.db, phone.callSid);
    expect(call).toMatchObject({ endReason: "transferred", transferredTo: transferNumber });
    expect(call.segments.map((s) => s.role)).toEqual(["agent", "caller", "tool", "agent"]);
    expect(call.segments[2]).toMatchObject({ toolName: "transfer_to_human" });
    expect(call.segments[2]!.latencyMs).toBeTypeOf("number");
    expect(call.segments[3]!.text).toBe(HAND_OFF);
    expect(dials().filter((r) => r.callSid === phone.callSid)).toHaveLength(1);
  });

  it("without a transfer number the agent says nobody is available, offers a message and the call goes on", async () => {
    path.model.setScenario(asksForAPerson);
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: unstaffed.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    phone.say(900, 800);

    const segments = await transcriptWith(path.db, phone.callSid, (s) => s.role === "agent" && s.text === NO_ONE, 10_000);
    expect(segments.find((s) => s.role === "tool")?.text).toContain("no transfer number");
    expect(phone.closeCode).toBeUndefined();
    expect(path.rest!.requests.filter((r) => r.callSid === phone.callSid)).toHaveLength(0);
    await phone.hangUp();
    expect(await endedCall(path.db, phone.callSid)).toMatchObject({ endReason: "caller_hangup", transferredTo: null });
  });
});

describe("a transfer Twilio's REST API refuses", () => {
  it("still puts the caller through: the relay ends the stream and its <Connect> action dials", async () => {
    path.model.setScenario({});
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: staffed.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    path.rest!.failNext(1, 500);
    phone.dtmf("0");
    const next = await phone.waitForAfterStream(10_000);
    expect(next).toMatchObject({ says: [], dial: transferNumber });
    expect(path.rest!.requests.filter((r) => r.callSid === phone.callSid).map((r) => r.status)).toEqual([500]);
    const call = await endedCall(path.db, phone.callSid);
    expect(call).toMatchObject({ endReason: "transferred", transferredTo: transferNumber });
    expect(call.segments.map((s) => s.text)).not.toContain("The transfer to " + transferNumber + " failed.");
  });
});

describe("keypad transfer", () => {
  it("pressing 0 puts the caller through after the agent says it is connecting them", async () => {
    path.model.setScenario({});
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: staffed.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model, path.db);
    phone.dtmf("7"); // not the transfer digit: noted, nothing else
    phone.dtmf("0");

    await path.rest!.waitForRequest((r) => r.callSid === phone.callSid && Boolean(r.params.Twiml), 10_000);
    const [update] = phone.restUpdates;
    expect(update!.twiml?.dial).toBe(transferNumber);
    expect(update!.playedBytes).toBe(update!.receivedBytes);
    expect(update!.receivedBytes / 8).toBe(producedMs(model));
    const call = await endedCall(path.db, phone.callSid);
    expect(call).toMatchObject({ endReason: "transferred", transferredTo: transferNumber });
    expect(call.segments.map((s) => [s.role, s.text])).toEqual([
      ["agent", "Hello from Staffed Salon."],
      ["system", "The caller pressed 7 on the keypad."],
      ["system", "The caller pressed 0 on the keypad."],
      ["agent", "Sure, connecting you to a member of our team now. Please hold."],
    ]);
  });

  it("pressing 0 while the agent is talking cuts it off and transfers", async () => {
    path.model.setScenario({ msPerWord: 400 });
    const long = await createTestBusiness(path.db, {
      agent: { transferNumber, greeting: "Welcome to our shop, " + Array.from({ length: 20 }, (_, i) => `word${i}`).join(" ") },
    });
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: long.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await phone.waitForHeard(600);
    phone.dtmf("0");
    await path.rest!.waitForRequest((r) => r.callSid === phone.callSid && Boolean(r.params.Twiml), 10_000);
    expect(model.responses[0]!.status).toBe("cancelled");
    expect(model.truncations).toHaveLength(1);
    const call = await endedCall(path.db, phone.callSid);
    // The greeting is stored as far as it was heard.
    const greeting = call.segments.find((s) => s.role === "agent")!;
    expect(greeting.interrupted).toBe(true);
    expect(greeting.text.split(" ").length).toBeLessThan(22);
    expect(call.segments.at(-1)!.text).toBe("Sure, connecting you to a member of our team now. Please hold.");
  });

  it("without a transfer number, pressing 0 gets an apology and an offer to take a message", async () => {
    path.model.setScenario({});
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: unstaffed.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    phone.dtmf("0");
    await transcriptWith(path.db, phone.callSid, (s) => s.text.startsWith("Sorry, I can't put you through to a person right now"));
    expect(phone.closeCode).toBeUndefined();
    await phone.hangUp();
    expect(path.rest!.requests.filter((r) => r.callSid === phone.callSid)).toHaveLength(0);
  });

  it("a browser test call is 'transferred' by telling the browser, after the hand-off played, with no Twilio request", async () => {
    path.model.setScenario({});
    const { ticket } = await mintTestCallTicket(path.cache, { businessId: staffed.business.id, userId: "usr_test" });
    const ws = new WebSocket(`${path.relayUrl.replace("http", "ws")}/browser/stream?ticket=${encodeURIComponent(ticket)}`, { origin: new URL(path.config.dashboardUrl).origin });
    const messages: Record<string, unknown>[] = [];
    let marksEchoed = 0;
    ws.on("message", (data: Buffer) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      messages.push(m);
      if (m.type === "mark") {
        marksEchoed++;
        ws.send(JSON.stringify({ type: "mark", name: m.name }));
      }
    });
    const before = path.rest!.requests.length;
    const n = path.model.connections.length + 1;
    await eventually(async () => messages.find((m) => m.type === "ready"));
    const model = await path.model.connection(n);
    await model.waitFor(() => model.responses[0]?.status === "completed", 5_000, "the greeting");
    ws.send(JSON.stringify({ type: "dtmf", digit: "0" }));
    const transfer = await eventually(async () => messages.find((m) => m.type === "transfer"), 8_000, "the transfer message");
    expect(transfer.to).toBe(transferNumber);
    // Every mark before it had been echoed: the hand-off had played.
    const at = messages.indexOf(transfer);
    expect(messages.slice(0, at).filter((m) => m.type === "mark")).toHaveLength(marksEchoed);
    expect(path.rest!.requests.length).toBe(before);
    const callId = String(messages.find((m) => m.type === "ready")!.callId);
    const call = await eventually(() => path.db.callLog.findUnique({ where: { id: callId } }).then((c) => (c?.endReason ? c : null)));
    expect(call).toMatchObject({ endReason: "transferred", transferredTo: transferNumber, direction: "web" });
    ws.close();
  });
});
