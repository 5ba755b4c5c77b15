import { describe, expect, it } from "vitest";
import { signStreamToken, verifyStreamToken } from "./stream-token.ts";

const SECRET = "a-secret-of-at-least-thirty-two-characters";
const claims = { aud: "twilio-stream" as const, businessId: "biz_1", callId: "call_1", callSid: "CA" + "0".repeat(32) };

describe("stream tokens", () => {
  it("a token verifies for its audience and carries its claims until it expires", () => {
    const now = 1_700_000_000_000;
    const token = signStreamToken(SECRET, claims, { ttlMs: 60_000, now });
    expect(verifyStreamToken(SECRET, token, "twilio-stream", now + 59_999)).toEqual({ ok: true, claims: { ...claims, exp: now + 60_000 } });
    expect(verifyStreamToken(SECRET, token, "twilio-stream", now + 60_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("a token for the browser does not open a Twilio stream, and the reverse", () => {
    const token = signStreamToken(SECRET, { ...claims, aud: "browser-stream" });
    expect(verifyStreamToken(SECRET, token, "twilio-stream")).toEqual({ ok: false, reason: "wrong_audience" });
  });

  it("a changed claim, another secret or garbage is refused", () => {
    const token = signStreamToken(SECRET, claims);
    const [v, body, sig] = token.split(".");
    const other = Buffer.from(JSON.stringify({ ...claims, businessId: "biz_2", exp: Date.now() + 60_000 })).toString("base64url");
    expect(verifyStreamToken(SECRET, `${v}.${other}.${sig}`, "twilio-stream").ok).toBe(false);
    expect(verifyStreamToken("another-secret-of-thirty-two-characters!", token, "twilio-stream")).toEqual({ ok: false, reason: "bad_signature" });
    for (const junk of [undefined, 42, "", "v1", `${v}.${body}`, `${token}.x`, "v2" + token.slice(2)]) {
      expect(verifyStreamToken(SECRET, junk, "twilio-stream").ok).toBe(false);
    }
  });
});
