// One-time account links (sign-up confirmation, password reset): a random token mailed once,
// stored as its hash, spent atomically so two clicks of the same link cannot both succeed.
import type { AccountToken, AccountTokenPurpose, Prisma } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { hashToken, newToken } from "./tokens.ts";

type Client = Db | Prisma.TransactionClient;

export interface NewAccountToken {
  purpose: AccountTokenPurpose;
  email: string;
  userId?: string;
  payload?: Prisma.InputJsonValue;
  ttlMs: number;
  at: Date;
}

export async function issueAccountToken(db: Client, input: NewAccountToken): Promise<{ token: string; row: AccountToken }> {
  const token = newToken();
  const row = await db.accountToken.create({
    data: {
      tokenHash: hashToken(token),
      purpose: input.purpose,
      email: input.email,
      userId: input.userId ?? null,
      payload: input.payload,
      expiresAt: new Date(input.at.getTime() + input.ttlMs),
    },
  });
  return { token, row };
}

/** The link is unknown, used or expired: one answer for all three, so none is told apart. */
export const linkInvalid = () =>
  new AppError("validation_failed", { reason: "link_invalid", message: "account link refused", userMessage: "This link has expired or was already used; ask for a new one." });

/** Spends a token of this purpose: the row, or link_invalid when unknown, used or expired. */
export async function spendAccountToken(db: Client, input: { token: string; purpose: AccountTokenPurpose; at: Date }): Promise<AccountToken> {
  if (!input.token || input.token.length > 200) throw linkInvalid();
  const tokenHash = hashToken(input.token);
  // One conditional UPDATE: of two concurrent uses, only one finds usedAt still null.
  const spent = await db.accountToken.updateMany({
    where: { tokenHash, purpose: input.purpose, usedAt: null, expiresAt: { gt: input.at } },
    data: { usedAt: input.at },
  });
  if (spent.count !== 1) throw linkInvalid();
  return db.accountToken.findUniqueOrThrow({ where: { tokenHash } });
}
