import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStreamToken } from "@frontdesk/core/calls/stream-token";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { sid } from "../stand-ins/twilio-simulator.ts";
import { startCallPath, eventually, PUBLIC_BASE_URL, type CallPath } from "./harness.ts";

const STREAM_URL = PUBLIC_BASE_URL.replace("https", "wss") + "/twilio/stream";
let path: CallPath;
let other: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  [path, other] = await Promise.all([startCallPath(), startCallPath()]);
  biz = await createTestBusiness(path.db);
});
afterAll(async () => {
  await Promise.all([path.close(), other.close()]);
});

/** A webhook-admitted call's stream parameters, from the relay's own TwiML. */
async function admitted() {
  const callSid = sid("CA");
  const r = await path.twilio.postVoice({ callSid, from: "+15551112222", to: biz.phone.e164 });
  return { callSid, token: r.twiml!.stream!.parameters.token! };
}

async function expectNoModelSocket(target: CallPath, before: number) {
  await new Promise((r) => setTimeout(r, 150));
  expect(target.model.connections.length).toBe(before);
}

describe("media stream authentication", () => {
  it("refuses an upgrade with a forged or missing X-Twilio-Signature with 403, before any model socket opens", async () => {
    const before = other.model.connections.length;
    const token = signStreamToken(other.config.appSecret, { aud: "twilio-stream", businessId: biz.business.id, callId: "call_x", callSid: sid("CA") });
    const forged = await other.twilio.openRawStream({ to: biz.phone.e164, streamUrl: STREAM_URL, token, forgeSignature: true });
    const unsigned = await other.twilio.openRawStream({ to: biz.phone.e164, streamUrl: STREAM_URL, token, signature: null });
    expect([forged.closeCode, unsigned.closeCode]).toEqual([403, 403]);
    await expectNoModelSocket(other, before);
  });

  it("closes a stream whose token is tampered with, expired, for another call or for the browser, before any model socket opens", async () => {
    const admittedBefore = path.model.connections.length;
    const { callSid, token } = await admitted();
    await path.model.connection(admittedBefore + 1); // the admitted call's own socket, opened at the webhook
    const before = admittedBefore + 1;
    const secret = path.config.appSecret;
    const claims = { businessId: biz.business.id, callId: "call_x", callSid };
    const bad = [
      token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA"),
      signStreamToken(secret, { aud: "twilio-stream", ...claims }, { now: Date.now() - 10 * 60_000 }),
      signStreamToken(secret, { aud: "twilio-stream", ...claims, callSid: sid("CA") }),
      signStreamToken(secret, { aud: "browser-stream", ...claims }),
      signStreamToken("another-secret-another-secret-0000000000", { aud: "twilio-stream", ...claims }),
      "",
    ];
    for (const t of bad) {
      const phone = await path.twilio.openRawStream({ to: biz.phone.e164, callSid, streamUrl: STREAM_URL, token: t });
      await phone.waitForClose(3_000);
      expect(phone.closeCode).toBe(1008);
      expect(phone.receivedBytes).toBe(0);
    }
    await expectNoModelSocket(path, before);
  });

  it("runs a stream that reaches another instance than the one that answered the webhook", async () => {
    const { callSid, token } = await admitted();
    const before = other.model.connections.length;
    const phone = await other.twilio.openRawStream({ to: biz.phone.e164, callSid, streamUrl: STREAM_URL, token, speed: 4 });
    const model = await other.model.connection(before + 1);
    await phone.waitForHeard(300);
    expect(model.session?.audio?.input?.format).toEqual({ type: "audio/pcmu" });
    await phone.hangUp();
    const log = await eventually(() => path.db.callLog.findUnique({ where: { callSid } }).then((c) => (c?.status === "completed" ? c : null)));
    expect(log.endReason).toBe("caller_hangup");
  });
});
