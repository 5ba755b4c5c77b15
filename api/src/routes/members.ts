// Members and invitations. Only an owner makes or unmakes owners, and a business always keeps
// at least one owner. Invitations carry a one-time token; accepting needs the invited email.
import type { Role } from "@prisma/client";
import { hashToken, INVITE_TTL_MS, newToken } from "@frontdesk/core/auth/tokens";
import { tenantOperation, userOperation } from "../http/operation.ts";
import { ApiError, conflict, forbidden } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { sessionBody } from "../auth/session-body.ts";
import { normaliseEmail } from "../auth/login.ts";
import { presentInvite, presentMember } from "./present.ts";

const memberNotFound = () => new ApiError("not_found", "not_found", { userMessage: "Member not found." });

function mustBeOwnerFor(tenant: Tenant, ...roles: Role[]) {
  if (roles.includes("owner") && tenant.role !== "owner") {
    throw forbidden("insufficient_role", "Only an owner can make, change or remove an owner.");
  }
}

async function assertAnotherOwner(tenant: Tenant, memberId: string) {
  const owners = await tenant.db.membership.count({ where: { role: "owner", id: { not: memberId } } });
  if (owners === 0) throw conflict("last_owner", "A business needs at least one owner; make someone else owner first.");
}

export const memberOperations = [
  tenantOperation("listMembers", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.membership.findMany({
      where: page.cursorWhere,
      include: { user: { select: { email: true, name: true } } },
      orderBy: page.orderBy,
      take: page.take,
    });
    return { status: 200, body: toPage(rows, query, presentMember) };
  }),

  tenantOperation("updateMember", async ({ tenant, params, body }) => {
    const member = await tenant.db.membership.findFirst({ where: { id: params.memberId } });
    if (!member) throw memberNotFound();
    mustBeOwnerFor(tenant, member.role, body.role);
    if (member.role === "owner" && body.role !== "owner") await assertAnotherOwner(tenant, member.id);
    const updated = await tenant.db.membership.update({
      where: { id: member.id },
      data: { role: body.role },
      include: { user: { select: { email: true, name: true } } },
    });
    await tenant.db.auditLog.create({
      data: { businessId: tenant.business.id, actorType: tenant.actor.type, actorId: tenant.actor.id, action: "member.role_changed", targetType: "membership", targetId: member.id, metadata: { from: member.role, to: body.role } },
    });
    return { status: 200, body: presentMember(updated) };
  }),

  tenantOperation("removeMember", async ({ tenant, params }) => {
    const member = await tenant.db.membership.findFirst({ where: { id: params.memberId } });
    if (!member) throw memberNotFound();
    mustBeOwnerFor(tenant, member.role);
    if (member.role === "owner") await assertAnotherOwner(tenant, member.id);
    await tenant.db.membership.delete({ where: { id: member.id } });
    await tenant.db.auditLog.create({
      data: { businessId: tenant.business.id, actorType: tenant.actor.type, actorId: tenant.actor.id, action: "member.removed", targetType: "membership", targetId: member.id },
    });
    return { status: 204, body: undefined };
  }),

  tenantOperation("listInvites", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.invite.findMany({ where: page.cursorWhere, orderBy: page.orderBy, take: page.take });
    return { status: 200, body: toPage(rows, query, presentInvite) };
  }),

  tenantOperation("createInvite", async ({ tenant, body, services }) => {
    const email = normaliseEmail(body.email);
    mustBeOwnerFor(tenant, body.role);
    const existing = await tenant.db.membership.findFirst({ where: { user: { email } } });
    if (existing) throw conflict("already_member", "That person is already a member of this business.");
    const token = newToken();
    const invite = await tenant.db.invite.create({
      data: {
        businessId: tenant.business.id,
        email,
        role: body.role,
        tokenHash: hashToken(token),
        invitedById: tenant.actor.type === "user" ? tenant.actor.id : null,
        expiresAt: new Date(services.now().getTime() + INVITE_TTL_MS),
      },
    });
    return { status: 201, body: { ...presentInvite(invite), token } };
  }),

  tenantOperation("revokeInvite", async ({ tenant, params, services }) => {
    const invite = await tenant.db.invite.findFirst({ where: { id: params.inviteId } });
    if (!invite) throw new ApiError("not_found", "not_found", { userMessage: "Invitation not found." });
    if (invite.acceptedAt) throw conflict("invite_already_accepted", "This invitation was already accepted; remove the member instead.");
    const revoked = invite.revokedAt ? invite : await tenant.db.invite.update({ where: { id: invite.id }, data: { revokedAt: services.now() } });
    return { status: 200, body: presentInvite(revoked) };
  }),

  userOperation("acceptInvite", async ({ principal, body, services }) => {
    if (principal.kind !== "session") throw new Error("acceptInvite without a session");
    const { db } = services;
    // The token names the business; it is looked up across tenants on purpose.
    const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(body.token) }, include: { business: { select: { deletedAt: true } } } });
    const now = services.now();
    if (!invite || invite.revokedAt || invite.acceptedAt || invite.expiresAt <= now || invite.business.deletedAt) {
      throw new ApiError("not_found", "invite_not_found", { userMessage: "This invitation is not valid (wrong, used, revoked or expired)." });
    }
    if (normaliseEmail(principal.user.email) !== invite.email) {
      throw forbidden("invite_email_mismatch", "This invitation was sent to another email address; sign in as that user.");
    }
    await db.$transaction(async (tx) => {
      await tx.membership.upsert({
        where: { businessId_userId: { businessId: invite.businessId, userId: principal.user.id } },
        create: { businessId: invite.businessId, userId: principal.user.id, role: invite.role },
        update: {},
      });
      await tx.invite.update({ where: { id: invite.id }, data: { acceptedAt: now } });
    });
    return { status: 200, body: await sessionBody(db, services.config.appSecret, principal) };
  }),
];
