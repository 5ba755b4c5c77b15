// What a hostile or broken peer sends on a live media stream: JSON that is not an object,
// and a stream replayed (token and signature copied) after its call ended. The relay refuses
// or ignores it; the call, the relay and its gauges carry on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { mintTestCallTicket } from "@frontdesk/core/calls/test-call-ticket";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath();
  biz = await createTestBusiness(path.db, { name: "Hostile Stream Co" });
});
afterAll(async () => {
  await path.close();
});

const NOT_OBJECTS = ["null", "5", '"start"', "[]", "true"];

async function liveCallsGauge(): Promise<number> {
  const text = await path.relay.metrics.metrics();
  return Number(/^relay_live_calls(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1]);
}

/** A call answered, heard and hung up, its row completed; and the model sockets opened so far. */
async function finishedCall() {
  const phone = await path.twilio.call({ to: biz.phone.e164 });
  await phone.waitForHeard(200);
  await phone.hangUp();
  await eventually(() => path.db.callLog.findUnique({ where: { callSid: phone.callSid } }).then((c) => c?.status === "completed"));
  return { phone, sockets: path.model.connections.length };
}

describe("a Twilio media stream", () => {
  it("ignores frames that are JSON but not objects: the call keeps running and ends normally", async () => {
    const phone = await path.twilio.call({ to: biz.phone.e164 });
    await phone.waitForHeard(200);
    for (const frame of NOT_OBJECTS) phone.ws!.send(frame);
    const heard = phone.playedBytes;
    await phone.waitFor(() => phone.playedBytes > heard || phone.receivedBytes > 0, 5_000, "the stream still open");
    expect(phone.ws!.readyState).toBe(WebSocket.OPEN);
    await phone.hangUp();
    const log = await eventually(() => path.db.callLog.findUnique({ where: { callSid: phone.callSid } }).then((c) => (c?.status === "completed" ? c : null)));
    expect(log.endReason).toBe("caller_hangup");
    await eventually(async () => (await liveCallsGauge()) === 0, 5_000, "relay_live_calls back to 0");
  });

  it("refuses a stream replayed after its call ended, before any model socket opens", async () => {
    const { phone, sockets } = await finishedCall();
    // The same upgrade (signature) and start (token, callSid) as the finished call's.
    const replay = await path.twilio.openRawStream({ to: biz.phone.e164, callSid: phone.callSid, streamUrl: phone.twiml!.stream!.url, token: phone.twiml!.stream!.parameters.token! });
    await replay.waitForClose(5_000);
    expect(replay.closeCode).toBe(1008);
    expect(replay.receivedBytes).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(path.model.connections.length).toBe(sockets);
    expect(await path.db.callLog.findUnique({ where: { callSid: phone.callSid } })).toMatchObject({ status: "completed", endReason: "caller_hangup" });
  });
});

describe("the voice webhook", () => {
  it("answers a delivery replayed after its call ended with a hang-up: no stream token, no model socket", async () => {
    const { phone, sockets } = await finishedCall();
    const replay = await path.twilio.postVoice({ callSid: phone.callSid, from: "+15557654321", to: biz.phone.e164 });
    expect(replay.status).toBe(200);
    expect(replay.twiml?.stream).toBeFalsy();
    expect(replay.twiml?.hangup).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(path.model.connections.length).toBe(sockets);
    expect(await path.db.callLog.findUnique({ where: { callSid: phone.callSid } })).toMatchObject({ status: "completed", endReason: "caller_hangup" });
  });
});

describe("a browser test call", () => {
  it("answers frames that are JSON but not objects with an error message and keeps the call", async () => {
    const { ticket } = await mintTestCallTicket(path.cache, { businessId: biz.business.id, userId: "usr_test" });
    const url = `${path.relayUrl.replace("http", "ws")}/browser/stream?ticket=${encodeURIComponent(ticket)}&format=binary`;
    const ws = new WebSocket(url, { origin: new URL(path.config.dashboardUrl).origin });
    const messages: Record<string, unknown>[] = [];
    ws.on("message", (data: Buffer, isBinary) => {
      if (!isBinary) messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
    });
    await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("unexpected-response", reject)));
    await eventually(async () => messages.find((m) => m.type === "ready"));
    for (const frame of NOT_OBJECTS) ws.send(frame);
    await eventually(async () => messages.filter((m) => m.type === "error").length >= NOT_OBJECTS.length, 5_000, "an error per frame");
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const callId = String(messages.find((m) => m.type === "ready")!.callId);
    ws.send(JSON.stringify({ type: "stop" }));
    const call = await eventually(() => path.db.callLog.findUnique({ where: { id: callId } }).then((c) => (c?.status === "completed" ? c : null)));
    expect(call.endReason).toBe("caller_hangup");
  });
});
