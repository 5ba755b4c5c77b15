// Forgotten passwords: a mailed single-use link that expires (PASSWORD_RESET_TTL_MS). Asking
// answers alike for any address; following the link sets the new password, spends every
// other reset link of the account and ends all its sessions.
import type { User } from "@prisma/client";
import type { Db } from "../db/client.ts";
import type { MailMessage } from "../mail/mailer.ts";
import { passwordResetMail } from "../mail/messages.ts";
import { normaliseEmail } from "./email.ts";
import { issueAccountToken, linkInvalid, spendAccountToken } from "./account-tokens.ts";
import { PASSWORD_RESET_TTL_MS } from "./tokens.ts";

/** The mail to send, or null when no account has this address (the caller answers alike). */
export async function requestPasswordReset(db: Db, input: { email: string }, ctx: { dashboardUrl: string; at: Date }): Promise<MailMessage | null> {
  const email = normaliseEmail(input.email);
  const user = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) return null;
  const { token } = await issueAccountToken(db, { purpose: "password_reset", email, userId: user.id, ttlMs: PASSWORD_RESET_TTL_MS, at: ctx.at });
  return passwordResetMail({ to: email, token, dashboardUrl: ctx.dashboardUrl, ttlMinutes: PASSWORD_RESET_TTL_MS / 60_000 });
}

export async function resetPassword(db: Db, input: { token: string; passwordHash: string; at: Date }): Promise<User> {
  return db.$transaction(async (tx) => {
    const row = await spendAccountToken(tx, { token: input.token, purpose: "password_reset", at: input.at });
    if (!row.userId) throw linkInvalid();
    await tx.accountToken.updateMany({ where: { userId: row.userId, purpose: "password_reset", usedAt: null }, data: { usedAt: input.at } });
    await tx.userSession.deleteMany({ where: { userId: row.userId } });
    // Following the link proved the address too.
    const user = await tx.user.findUniqueOrThrow({ where: { id: row.userId } });
    return tx.user.update({ where: { id: row.userId }, data: { passwordHash: input.passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? input.at } });
  });
}
