// Reading an invitation by its token, before the invitee signs in (the accept page shows what
// they are joining). Like accepting, the token names the business, so the lookup spans tenants
// on purpose; it reveals only what the invitation's own mail already told its holder.
import type { Role } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { hashToken } from "../auth/tokens.ts";

export interface InvitePreview {
  businessName: string;
  inviterName: string | null;
  email: string;
  role: Role;
  status: "pending" | "accepted" | "revoked" | "expired";
  expiresAt: Date;
}

export async function lookupInvite(db: Db, input: { token: string; at: Date }): Promise<InvitePreview> {
  const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(input.token) }, include: { business: { select: { name: true, deletedAt: true } } } });
  if (!invite || invite.business.deletedAt) {
    throw new AppError("not_found", { reason: "invite_not_found", message: "no live business invite has this token", userMessage: "This invitation does not exist." });
  }
  const inviter = invite.invitedById ? await db.user.findUnique({ where: { id: invite.invitedById }, select: { name: true } }) : null;
  const status = invite.acceptedAt ? "accepted" : invite.revokedAt ? "revoked" : invite.expiresAt <= input.at ? "expired" : "pending";
  return { businessName: invite.business.name, inviterName: inviter?.name ?? null, email: invite.email, role: invite.role, status, expiresAt: invite.expiresAt };
}
