// A cap on account mail per address: sign-up and password-reset requests answer anyone, so
// without it a stranger could flood an inbox from many IPs. Past the cap the request is
// answered as usual and no mail leaves (the answer must not differ either way).
import type { Cache } from "../cache/cache.ts";
import { hashToken } from "../auth/tokens.ts";

export const ACCOUNT_MAILS_PER_ADDRESS = 5;
export const ACCOUNT_MAIL_WINDOW_MS = 3600_000;

/** Counts one mail to `email`; true while the address is under the cap for this hour. */
export async function mayMailAddress(cache: Pick<Cache, "incrBy">, email: string, max = ACCOUNT_MAILS_PER_ADDRESS): Promise<boolean> {
  const sent = await cache.incrBy(`account-mail:${hashToken(email)}`, 1, ACCOUNT_MAIL_WINDOW_MS);
  return sent <= max;
}
