// Following a sign-up confirmation link: the token is spent and the account (and its first
// business, if one was named) is made, its email verified, all in one transaction.
import type { User } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { signUp } from "./sign-up.ts";
import { spendAccountToken } from "./account-tokens.ts";
import type { PendingSignUp } from "./request-sign-up.ts";

export async function completeSignUp(db: Db, input: { token: string; at: Date }): Promise<User> {
  // Spent first, outside the sign-up's transaction: a link whose account clashes (another
  // link for the same address was followed first) stays spent rather than retried.
  const row = await spendAccountToken(db, { token: input.token, purpose: "verify_email", at: input.at });
  const pending = row.payload as unknown as PendingSignUp;
  return signUp(db, {
    email: row.email,
    name: pending.name,
    passwordHash: pending.passwordHash,
    businessName: pending.businessName ?? undefined,
    emailVerifiedAt: input.at,
    lastLoginAt: input.at,
  });
}
