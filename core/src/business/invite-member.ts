// Inviting someone into a business by email: a one-time token, shown once to the inviter and
// stored only as its hash, valid for INVITE_TTL_MS. Someone already a member is not invited,
// nor anyone once members and open invitations fill the plan's seats.
import type { Invite, Role } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import { AppError } from "../errors.ts";
import { hashToken, INVITE_TTL_MS, newToken } from "../auth/tokens.ts";
import { normaliseEmail } from "../auth/email.ts";
import { planLimits } from "../billing/plans.ts";

export interface InviteMemberInput {
  email: string;
  role: Role;
  /** The user who invites; null when a key does. */
  invitedById: string | null;
  at: Date;
}

export async function inviteMember(db: TenantDb, input: InviteMemberInput): Promise<{ invite: Invite; token: string }> {
  const email = normaliseEmail(input.email);
  if (await db.membership.findFirst({ where: { user: { email } }, select: { id: true } })) {
    throw new AppError("conflict", { reason: "already_member", message: "invite refused: already a member", userMessage: "That person is already a member of this business." });
  }
  await assertRoomForMember(db, input.at);
  const token = newToken();
  const invite = await db.invite.create({
    data: {
      businessId: db.businessId,
      email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedById: input.invitedById,
      expiresAt: new Date(input.at.getTime() + INVITE_TTL_MS),
    },
  });
  return { invite, token };
}

/** Members plus open invitations may not exceed the plan's members (402 member_limit_reached). */
async function assertRoomForMember(db: TenantDb, at: Date): Promise<void> {
  const { plan } = await db.business.findFirstOrThrow({ select: { plan: true } });
  const allowed = planLimits(plan).members;
  const [members, open] = await Promise.all([
    db.membership.count(),
    db.invite.count({ where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: at } } }),
  ]);
  if (members + open >= allowed) {
    throw new AppError("plan_limit", {
      reason: "member_limit_reached",
      message: `invite refused: ${members} members and ${open} open invitations on the ${plan} plan`,
      userMessage: `The ${plan} plan has ${allowed} seats; this business has ${members} members and ${open} open invitations. Upgrade the plan or revoke an invitation.`,
    });
  }
}
