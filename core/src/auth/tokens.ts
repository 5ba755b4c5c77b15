// Opaque bearer tokens (dashboard sessions, invites): random, shown to their holder once,
// stored only as a SHA-256 hash. CSRF tokens are derived from the session, never stored.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "fd_session";
export const SESSION_TTL_MS = 14 * 24 * 3600_000;
/** A session's lastSeenAt (and expiry) is moved forward at most this often. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;
export const INVITE_TTL_MS = 7 * 24 * 3600_000;
/** How long a mailed sign-up confirmation link works. */
export const VERIFY_EMAIL_TTL_MS = 24 * 3600_000;
/** How long a mailed password-reset link works. */
export const PASSWORD_RESET_TTL_MS = 60 * 60_000;

export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The CSRF token for a session: HMAC of the session's hash under the app secret. */
export function csrfTokenFor(sessionTokenHash: string, appSecret: string): string {
  return createHmac("sha256", appSecret).update(`csrf:${sessionTokenHash}`).digest("base64url");
}

export function csrfTokenMatches(given: string | undefined, sessionTokenHash: string, appSecret: string): boolean {
  if (!given) return false;
  const expected = Buffer.from(csrfTokenFor(sessionTokenHash, appSecret));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
