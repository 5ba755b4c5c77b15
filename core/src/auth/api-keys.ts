// API key material. Secret keys `sk_live_…` are shown once and kept as an HMAC (keyed by the
// app secret) with a visible prefix and last 4; publishable widget keys `pk_live_…` are
// public by design and stored as they are.
import { createHmac, randomInt } from "node:crypto";

export const SECRET_KEY_PREFIX = "sk_live_";
export const PUBLISHABLE_KEY_PREFIX = "pk_live_";
const SECRET_BODY_LENGTH = 32;
const PUBLISHABLE_BODY_LENGTH = 24;
/** Characters of the key body kept visible in the prefix, e.g. sk_live_3fA9c1. */
const VISIBLE_BODY_LENGTH = 6;

/** What a secret key may do; `<resource>:write` implies `<resource>:read`. */
export const API_KEY_SCOPES = [
  "business:read", "business:write",
  "phone_numbers:read", "phone_numbers:write",
  "knowledge:read", "knowledge:write",
  "config:read", "config:write",
  "calls:read", "calls:write",
  "analytics:read",
  "webhooks:read", "webhooks:write",
  "usage:read",
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const WIDGETS = ["knowledge", "calls"] as const;
export type Widget = (typeof WIDGETS)[number];

/** lastUsedAt is written at most this often per key. */
export const KEY_LAST_USED_INTERVAL_MS = 60_000;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomBody(length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export interface NewSecretKey {
  /** The whole key: give it to the user once, never store it. */
  key: string;
  prefix: string;
  last4: string;
  hash: string;
}

export function generateSecretKey(appSecret: string): NewSecretKey {
  const key = SECRET_KEY_PREFIX + randomBody(SECRET_BODY_LENGTH);
  return {
    key,
    prefix: key.slice(0, SECRET_KEY_PREFIX.length + VISIBLE_BODY_LENGTH),
    last4: key.slice(-4),
    hash: hashApiKey(key, appSecret),
  };
}

export function hashApiKey(key: string, appSecret: string): string {
  return createHmac("sha256", appSecret).update(`apikey:${key}`).digest("hex");
}

const SECRET_KEY_SHAPE = new RegExp(`^${SECRET_KEY_PREFIX}[0-9A-Za-z]{${SECRET_BODY_LENGTH}}$`);
const PUBLISHABLE_KEY_SHAPE = new RegExp(`^${PUBLISHABLE_KEY_PREFIX}[0-9A-Za-z]{${PUBLISHABLE_BODY_LENGTH}}$`);

export function isSecretKeyShaped(s: string): boolean {
  return SECRET_KEY_SHAPE.test(s);
}

export function isPublishableKeyShaped(s: string): boolean {
  return PUBLISHABLE_KEY_SHAPE.test(s);
}

export function generatePublishableKey(): string {
  return PUBLISHABLE_KEY_PREFIX + randomBody(PUBLISHABLE_BODY_LENGTH);
}

/** True when `granted` covers every scope in `required` (write implies read). */
export function scopesAllow(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((need) => {
    if (granted.includes(need)) return true;
    const [resource, action] = need.split(":");
    return action === "read" && granted.includes(`${resource}:write`);
  });
}

/** A key is usable when not revoked and not past its expiry (a rotated key expires after its overlap). */
export function keyIsLive(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}
