import { describe, expect, it } from "vitest";
import { mintWidgetToken, verifyWidgetToken } from "./widget-token.ts";

const SECRET = "a-secret-of-at-least-thirty-two-characters";
const binding = { businessId: "biz_1", widgetKeyId: "wk_1" };

describe("widget tokens", () => {
  it("a token verifies for its business and widget key until it expires, and never lives past an hour", () => {
    const now = 1_700_000_000_000;
    const { token, expiresAt } = mintWidgetToken(SECRET, binding, { ttlSeconds: 600, now });
    expect(expiresAt.getTime()).toBe(now + 600_000);
    expect(verifyWidgetToken(SECRET, token, binding, now + 599_999)).toMatchObject({ ok: true });
    expect(verifyWidgetToken(SECRET, token, binding, now + 600_000)).toEqual({ ok: false, reason: "expired" });
    expect(mintWidgetToken(SECRET, binding, { ttlSeconds: 86_400, now }).expiresAt.getTime()).toBe(now + 3_600_000);
  });

  it("a token for another widget key or business is refused", () => {
    const { token } = mintWidgetToken(SECRET, binding);
    expect(verifyWidgetToken(SECRET, token, { ...binding, widgetKeyId: "wk_2" })).toEqual({ ok: false, reason: "wrong_widget_key" });
    expect(verifyWidgetToken(SECRET, token, { ...binding, businessId: "biz_2" })).toEqual({ ok: false, reason: "wrong_widget_key" });
  });

  it("a changed claim, another secret or garbage is refused", () => {
    const { token } = mintWidgetToken(SECRET, binding);
    const [, sig] = token.slice(3).split(".");
    const forged = Buffer.from(JSON.stringify({ b: "biz_2", w: "wk_1", exp: Date.now() + 60_000 })).toString("base64url");
    expect(verifyWidgetToken(SECRET, `wt_${forged}.${sig}`, { ...binding, businessId: "biz_2" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyWidgetToken("another-secret-of-thirty-two-characters!", token, binding)).toEqual({ ok: false, reason: "bad_signature" });
    for (const junk of [undefined, 42, "", "wt_", token.slice(3), `${token}.x`]) expect(verifyWidgetToken(SECRET, junk, binding).ok).toBe(false);
  });
});
