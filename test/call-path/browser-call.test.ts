import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signStreamToken } from "@frontdesk/core/calls/stream-token";
import { mintTestCallTicket } from "@frontdesk/core/calls/test-call-ticket";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { silence, speechLike } from "../stand-ins/audio.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";
import { addMember, call, sessionFor, startApi } from "../api/support/api-harness.ts";

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
function browserCall(url: string, origin: string | null = dashboardOrigin()) {
  const ws = new WebSocket(url, origin ? { origin } : {});
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

const dashboardOrigin = () => new URL(path.config.dashboardUrl).origin;
const ticket = async (businessId: string, opts: { ttlMs?: number } = {}) => (await mintTestCallTicket(path.cache, { businessId, userId: "usr_test" }, opts)).ticket;
const streamUrl = (t: string, format = "binary") => `${path.relayUrl.replace("http", "ws")}/browser/stream?ticket=${encodeURIComponent(t)}&format=${format}`;

describe("browser test call", () => {
  it("runs on the same session as a phone call: greeting, the caller's words, the reply, all in the call's transcript", async () => {
    const client = browserCall(streamUrl(await ticket(biz.business.id)));
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

  it("refuses a missing, unknown or signed-token socket with 401 before opening anything", async () => {
    const before = path.model.connections.length;
    const base = `${path.relayUrl.replace("http", "ws")}/browser/stream`;
    const signed = signStreamToken(path.config.appSecret, { aud: "browser-stream", businessId: biz.business.id, userId: "usr_test" });
    for (const url of [base, `${base}?ticket=not-a-ticket`, `${base}?token=${encodeURIComponent(signed)}`, `${base}?ticket=${encodeURIComponent(signed)}`]) {
      expect(await browserCall(url).opened).toBe(401);
    }
    expect(path.model.connections.length).toBe(before);
  });

  it("a ticket lets in one socket: replayed, it is refused", async () => {
    const t = await ticket(biz.business.id);
    const first = browserCall(streamUrl(t));
    expect(await first.opened).toBe(101);
    expect(await browserCall(streamUrl(t)).opened).toBe(401);
    first.ws.close();
  });

  it("a socket from another origin (or none) is refused with 403, and does not spend the ticket", async () => {
    const t = await ticket(biz.business.id);
    expect(await browserCall(streamUrl(t), "https://evil.example").opened).toBe(403);
    expect(await browserCall(streamUrl(t), null).opened).toBe(403);
    const ok = browserCall(streamUrl(t));
    expect(await ok.opened).toBe(101);
    ok.ws.close();
  });

  it("an expired ticket is refused", async () => {
    const t = await ticket(biz.business.id, { ttlMs: 50 });
    await new Promise((r) => setTimeout(r, 150));
    expect(await browserCall(streamUrl(t)).opened).toBe(401);
  });

  it("a ticket from the API (POST /v1/test-calls) opens the call at the URL it gives", async () => {
    const api = await startApi({ config: path.config, cache: path.cache });
    try {
      const session = await sessionFor(api, biz.owner);
      const r = await call(api, "POST", "/v1/test-calls", { session });
      expect(r.status, r.text).toBe(201);
      expect(new Date(r.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
      const url = new URL(r.body.url);
      expect(url.pathname).toBe("/browser/stream");
      expect(url.searchParams.get("ticket")).toBe(r.body.ticket);
      const client = browserCall(`${path.relayUrl.replace("http", "ws")}/browser/stream${url.search}`);
      expect(await client.opened).toBe(101);
      await eventually(async () => client.messages.find((m) => m.type === "ready"));
      client.ws.close();
      // A viewer may not place test calls; a secret key never.
      const viewer = await addMember(biz.business, "viewer");
      expect((await call(api, "POST", "/v1/test-calls", { session: await sessionFor(api, viewer) })).status).toBe(403);
    } finally {
      await api.close();
    }
  });
});
