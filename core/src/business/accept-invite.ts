// Accepting an invitation: the signed-in user named by it becomes a member with its role,
// once. The token names the business, so it is looked up across tenants on purpose.
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { hashToken } from "../auth/tokens.ts";
import { normaliseEmail } from "../auth/email.ts";
import { planLimits } from "../billing/plans.ts";

export interface AcceptInviteInput {
  token: string;
  user: { id: string; email: string };
  at: Date;
}

export async function acceptInvite(db: Db, input: AcceptInviteInput): Promise<{ businessId: string }> {
  const { user, at } = input;
  const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(input.token) }, include: { business: { select: { deletedAt: true } } } });
  if (!invite || invite.revokedAt || invite.acceptedAt || invite.expiresAt <= at || invite.business.deletedAt) {
    throw new AppError("not_found", {
      reason: "invite_not_found",
      message: invite ? `invite ${invite.id} is no longer valid` : "no invite has this token",
      userMessage: "This invitation is not valid (wrong, used, revoked or expired).",
    });
  }
  if (normaliseEmail(user.email) !== invite.email) {
    throw new AppError("forbidden", {
      reason: "invite_email_mismatch",
      message: `invite ${invite.id} was sent to another address than user ${user.id}'s`,
      userMessage: "This invitation was sent to another email address; sign in as that user.",
    });
  }
  // The plan may have shrunk since the invitation was sent.
  const [members, business] = await Promise.all([
    db.membership.count({ where: { businessId: invite.businessId, userId: { not: user.id } } }),
    db.business.findUniqueOrThrow({ where: { id: invite.businessId }, select: { plan: true } }),
  ]);
  if (members >= planLimits(business.plan).members) {
    throw new AppError("plan_limit", {
      reason: "member_limit_reached",
      message: `invite ${invite.id} refused: the business's ${business.plan} plan is full`,
      userMessage: "This business has no free seat on its plan; ask its owner to upgrade or remove a member.",
    });
  }
  await db.$transaction(async (tx) => {
    await tx.membership.upsert({
      where: { businessId_userId: { businessId: invite.businessId, userId: user.id } },
      create: { businessId: invite.businessId, userId: user.id, role: invite.role },
      update: {},
    });
    await tx.invite.update({ where: { id: invite.id }, data: { acceptedAt: at } });
  });
  return { businessId: invite.businessId };
}
