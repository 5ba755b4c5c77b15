// Asking to sign up: the answer never says whether the email has an account. A new address
// gets a confirmation link (the account is made when it is followed: complete-sign-up.ts); an
// address that has an account gets a note that someone tried, and nothing changes.
import type { Db } from "../db/client.ts";
import type { MailMessage } from "../mail/mailer.ts";
import { signupAttemptMail, verifyEmailMail } from "../mail/messages.ts";
import { normaliseEmail } from "./email.ts";
import { issueAccountToken } from "./account-tokens.ts";
import { VERIFY_EMAIL_TTL_MS } from "./tokens.ts";

export interface SignUpRequest {
  email: string;
  name: string;
  /** Hashed by the caller (auth/password.ts) before the account is known to exist or not. */
  passwordHash: string;
  businessName?: string;
}

/** The pending sign-up a verify_email token carries. */
export interface PendingSignUp {
  name: string;
  passwordHash: string;
  businessName: string | null;
}

export async function requestSignUp(db: Db, input: SignUpRequest, ctx: { dashboardUrl: string; at: Date }): Promise<MailMessage> {
  const email = normaliseEmail(input.email);
  const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) return signupAttemptMail({ to: email, dashboardUrl: ctx.dashboardUrl });
  const payload: PendingSignUp = { name: input.name, passwordHash: input.passwordHash, businessName: input.businessName ?? null };
  const { token } = await issueAccountToken(db, { purpose: "verify_email", email, payload: { ...payload }, ttlMs: VERIFY_EMAIL_TTL_MS, at: ctx.at });
  return verifyEmailMail({ to: email, token, dashboardUrl: ctx.dashboardUrl, ttlHours: VERIFY_EMAIL_TTL_MS / 3600_000 });
}
