// Widget tokens: what a business's backend mints (with a secret key) so that a call-log widget
// on its own page may show callers' masked numbers and summaries. Stateless, HMAC-signed with
// the app secret under a label of its own (no other token of ours verifies as one), bound to
// one business and one widget key, and short-lived: at most an hour.
import { createHmac, timingSafeEqual } from "node:crypto";

export const WIDGET_TOKEN_PREFIX = "wt_";
export const WIDGET_TOKEN_MAX_TTL_SECONDS = 3600;
export const WIDGET_TOKEN_DEFAULT_TTL_SECONDS = 900;

export interface WidgetTokenClaims {
  businessId: string;
  widgetKeyId: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export type WidgetTokenCheck =
  | { ok: true; claims: WidgetTokenClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "wrong_widget_key" };

function mac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(`widget-token:${body}`).digest("base64url");
}

export function mintWidgetToken(
  secret: string,
  binding: { businessId: string; widgetKeyId: string },
  opts: { ttlSeconds?: number; now?: number } = {},
): { token: string; expiresAt: Date } {
  const ttl = Math.min(opts.ttlSeconds ?? WIDGET_TOKEN_DEFAULT_TTL_SECONDS, WIDGET_TOKEN_MAX_TTL_SECONDS);
  const exp = (opts.now ?? Date.now()) + ttl * 1000;
  const body = Buffer.from(JSON.stringify({ b: binding.businessId, w: binding.widgetKeyId, exp })).toString("base64url");
  return { token: `${WIDGET_TOKEN_PREFIX}${body}.${mac(secret, body)}`, expiresAt: new Date(exp) };
}

/** Checks a token against the business and widget key of the request it came with. */
export function verifyWidgetToken(
  secret: string,
  token: unknown,
  expected: { businessId: string; widgetKeyId: string },
  now: number = Date.now(),
): WidgetTokenCheck {
  if (typeof token !== "string" || token.length > 500 || !token.startsWith(WIDGET_TOKEN_PREFIX)) return { ok: false, reason: "malformed" };
  const [body, signature, extra] = token.slice(WIDGET_TOKEN_PREFIX.length).split(".");
  if (!body || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  const want = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (want.length !== given.length || !timingSafeEqual(want, given)) return { ok: false, reason: "bad_signature" };
  let raw: { b?: unknown; w?: unknown; exp?: unknown };
  try {
    raw = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof raw !== "object" || raw === null || typeof raw.b !== "string" || typeof raw.w !== "string" || typeof raw.exp !== "number") {
    return { ok: false, reason: "malformed" };
  }
  if (raw.exp <= now) return { ok: false, reason: "expired" };
  if (raw.b !== expected.businessId || raw.w !== expected.widgetKeyId) return { ok: false, reason: "wrong_widget_key" };
  return { ok: true, claims: { businessId: raw.b, widgetKeyId: raw.w, exp: raw.exp } };
}
