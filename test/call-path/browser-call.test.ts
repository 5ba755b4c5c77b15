import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signStreamToken } from "@frontdesk/core/calls/stream-token";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { silence, speechLike } from "../stand-ins/audio.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath({ scenario: { callerTurns: ["Testing from the dashboard."], reply: () => ({ say: "I hear you loud and clear." }) } });
  biz = await createTestBusiness(path.db, { name: "Web Test Co", agent: { greeting: "Hello from {business}." } });
});
afterAll(async () => {
  await path.close();
});

/** A minimal dashboard client: plays nothing, but echoes marks like a browser that played the audio. */
function browserCall(url: string) {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  let audioBytes = 0;
  ws.on("message", (data: Buffer, isBinary) => {
    if (isBinary) {
      audioBytes += data.length;
      return;
    }
    const m = JSON.parse(data.toString()) as Record<string, unknown>;
    messages.push(m);
    if (m.type === "audio") audioBytes += Buffer.from(String(m.audio), "base64").length;
    if (m.type === "mark") ws.send(JSON.stringify({ type: "mark", name: m.name }));
  });
  const opened = new Promise<number>((resolve) => {
    ws.once("open", () => resolve(101));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
  });
  return { ws, messages, opened, get audioBytes() { return audioBytes; } };
}

const token = (businessId: string) => signStreamToken(path.config.appSecret, { aud: "browser-stream", businessId, userId: "usr_test" });

describe("browser test call", () => {
  it("runs on the same session as a phone call: greeting, the caller's words, the reply, all in the call's transcript", async () => {
    const url = `${path.relayUrl.replace("http", "ws")}/browser/stream?token=${encodeURIComponent(token(biz.business.id))}&format=binary`;
    const client = browserCall(url);
    const n = path.model.connections.length + 1;
    expect(await client.opened).toBe(101);
    await eventually(async () => client.messages.find((m) => m.type === "ready"));
    const model = await path.model.connection(n);
    await model.waitFor(() => model.responses[0]?.status === "completed", 5_000, "the greeting");
    const greetingBytes = [...model.items.values()][0]!.producedBytes;
    await eventually(async () => client.audioBytes >= greetingBytes, 5_000, "the greeting's audio");
    // 20 ms binary frames of μ-law, as the dashboard sends them (here four times faster than real time).
    const speech = Buffer.concat([speechLike(400), silence(800)]);
    for (let i = 0; i < speech.length; i += 160) {
      client.ws.send(speech.subarray(i, i + 160), { binary: true });
      await new Promise((r) => setTimeout(r, 5));
    }
    const callId = String(client.messages.find((m) => m.type === "ready")!.callId);
    const segments = await eventually(
      () => path.db.transcriptSegment.findMany({ where: { callId }, orderBy: { sequence: "asc" } }).then((s) => (s.length >= 3 ? s : null)),
      8_000,
      "three transcript segments",
    );
    expect(segments.map((s) => [s.role, s.text])).toEqual([
      ["agent", "Hello from Web Test Co."],
      ["caller", "Testing from the dashboard."],
      ["agent", "I hear you loud and clear."],
    ]);
    client.ws.send(JSON.stringify({ type: "stop" }));
    const call = await eventually(() => path.db.callLog.findUnique({ where: { id: callId } }).then((c) => (c?.status === "completed" ? c : null)));
    expect(call).toMatchObject({ direction: "web", endReason: "caller_hangup" });
  });

  it("refuses a missing, forged or Twilio token with 401 before opening anything", async () => {
    const before = path.model.connections.length;
    const base = `${path.relayUrl.replace("http", "ws")}/browser/stream`;
    const twilioToken = signStreamToken(path.config.appSecret, { aud: "twilio-stream", businessId: biz.business.id, callSid: "CA0" });
    for (const url of [base, `${base}?token=v1.e30.AAAA`, `${base}?token=${encodeURIComponent(twilioToken)}`]) {
      expect(await browserCall(url).opened).toBe(401);
    }
    expect(path.model.connections.length).toBe(before);
  });
});
