// Tickets for the dashboard's test call in the browser: minted by the API for a signed-in
// member, redeemed by the relay when the browser opens its socket. A ticket is random, kept
// in the shared cache (Redis) under its hash for at most a minute, and taken atomically on
// use, so it lets in one socket once. The API and the relay must share the cache: under
// `npm start` they share one process; run apart, they need REDIS_URL.
import type { Cache } from "../cache/cache.ts";
import { hashToken, newToken } from "../auth/tokens.ts";

export const TEST_CALL_TICKET_TTL_MS = 60_000;

export interface TestCallTicketClaims {
  businessId: string;
  userId: string;
  /** Expiry, ms since the epoch (the cache entry expires then too). */
  exp: number;
}

const keyFor = (ticket: string) => `test-call-ticket:${hashToken(ticket)}`;

export async function mintTestCallTicket(
  cache: Pick<Cache, "set">,
  claims: { businessId: string; userId: string },
  { ttlMs = TEST_CALL_TICKET_TTL_MS, now = Date.now() }: { ttlMs?: number; now?: number } = {},
): Promise<{ ticket: string; expiresAt: Date }> {
  const ticket = newToken();
  const exp = now + Math.min(ttlMs, TEST_CALL_TICKET_TTL_MS);
  await cache.set(keyFor(ticket), JSON.stringify({ ...claims, exp } satisfies TestCallTicketClaims), exp - now);
  return { ticket, expiresAt: new Date(exp) };
}

/** The ticket's claims, spending it; null when unknown, already used or expired. */
export async function redeemTestCallTicket(cache: Pick<Cache, "take">, ticket: unknown, now = Date.now()): Promise<TestCallTicketClaims | null> {
  if (typeof ticket !== "string" || ticket.length === 0 || ticket.length > 200) return null;
  const raw = await cache.take(keyFor(ticket));
  if (!raw) return null;
  const claims = JSON.parse(raw) as TestCallTicketClaims;
  return claims.exp > now ? claims : null;
}
