// Short-lived signed tokens that let a media stream in: the Twilio stream carries one as a
// <Parameter> (naming the call and business), the dashboard's browser test call as a query
// parameter (naming the business). HMAC-SHA256 with the app secret; no server-side state.
import { createHmac, timingSafeEqual } from "node:crypto";

export type StreamAudience = "twilio-stream" | "browser-stream";

export interface StreamTokenClaims {
  aud: StreamAudience;
  businessId: string;
  /** CallLog id (Twilio streams) — absent for browser tokens, whose call is created on connect. */
  callId?: string;
  /** Twilio CallSid the stream must belong to. */
  callSid?: string;
  /** Who asked for a browser test call (a dashboard user), for the logs. */
  userId?: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export type StreamTokenResult =
  | { ok: true; claims: StreamTokenClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "wrong_audience" };

const VERSION = "v1";
export const STREAM_TOKEN_TTL_MS = 5 * 60_000;

function mac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(`${VERSION}.${body}`).digest("base64url");
}

export function signStreamToken(
  secret: string,
  claims: Omit<StreamTokenClaims, "exp">,
  { ttlMs = STREAM_TOKEN_TTL_MS, now = Date.now() }: { ttlMs?: number; now?: number } = {},
): string {
  const body = Buffer.from(JSON.stringify({ ...claims, exp: now + ttlMs })).toString("base64url");
  return `${VERSION}.${body}.${mac(secret, body)}`;
}

export function verifyStreamToken(
  secret: string,
  token: unknown,
  audience: StreamAudience,
  now: number = Date.now(),
): StreamTokenResult {
  if (typeof token !== "string" || token.length > 4096) return { ok: false, reason: "malformed" };
  const [version, body, signature, extra] = token.split(".");
  if (version !== VERSION || !body || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "bad_signature" };
  let claims: StreamTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as StreamTokenClaims;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims !== "object" || claims === null || typeof claims.businessId !== "string" || typeof claims.exp !== "number") {
    return { ok: false, reason: "malformed" };
  }
  if (claims.aud !== audience) return { ok: false, reason: "wrong_audience" };
  if (claims.exp <= now) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}
