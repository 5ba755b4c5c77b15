// Members and invitations. Only an owner makes or unmakes owners, and a business always keeps
// at least one owner. Invitations carry a one-time token; accepting needs the invited email.
import type { Role } from "@prisma/client";
import { actingUserId, recordAudit } from "@frontdesk/core/audit/record-audit";
import { inviteMember } from "@frontdesk/core/business/invite-member";
import { sendInBackground } from "@frontdesk/core/mail/mailer";
import { inviteMail } from "@frontdesk/core/mail/messages";
import { tenantOperation, userOperation } from "../http/operation.ts";
import { ApiError, conflict, forbidden } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { sessionBody } from "./session-body.ts";
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
    await recordAudit(tenant.db, tenant.actor, { action: "member.role_changed", targetType: "membership", targetId: member.id, metadata: { from: member.role, to: body.role } });
    return { status: 200, body: presentMember(updated) };
  }),

  tenantOperation("removeMember", async ({ tenant, params }) => {
    const member = await tenant.db.membership.findFirst({ where: { id: params.memberId } });
    if (!member) throw memberNotFound();
    mustBeOwnerFor(tenant, member.role);
    if (member.role === "owner") await assertAnotherOwner(tenant, member.id);
    await tenant.db.membership.delete({ where: { id: member.id } });
    await recordAudit(tenant.db, tenant.actor, { action: "member.removed", targetType: "membership", targetId: member.id });
    return { status: 204, body: undefined };
  }),

  tenantOperation("listInvites", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.invite.findMany({ where: page.cursorWhere, orderBy: page.orderBy, take: page.take });
    return { status: 200, body: toPage(rows, query, presentInvite) };
  }),

  tenantOperation("createInvite", async ({ tenant, body, principal, services }) => {
    mustBeOwnerFor(tenant, body.role);
    const { invite, token } = await inviteMember(tenant.db, { email: body.email, role: body.role, invitedById: actingUserId(tenant.actor), at: services.now() });
    // The token is also in the answer, so a mail that fails to leave is logged, not fatal.
    const mail = inviteMail({
      to: invite.email,
      businessName: tenant.business.name,
      inviterName: principal.kind === "session" ? principal.user.name : null,
      role: invite.role,
      token,
      dashboardUrl: services.config.dashboardUrl,
      expiresAt: invite.expiresAt,
    });
    sendInBackground(services.mailer, services.logger, mail, "invite");
    return { status: 201, body: { ...presentInvite(invite), token } };
  }),

  tenantOperation("revokeInvite", async ({ tenant, params, services }) => {
    const invite = await tenant.db.invite.findFirst({ where: { id: params.inviteId } });
    if (!invite) throw new ApiError("not_found", "not_found", { userMessage: "Invitation not found." });
    if (invite.acceptedAt) throw conflict("invite_already_accepted", "This invitation was already accepted; remove the member instead.");
    const revoked = invite.revokedAt ? invite : await tenant.db.invite.update({ where: { id: invite.id }, data: { revokedAt: services.now() } });
    return { status: 200, body: presentInvite(revoked) };
  }),

  userOperation("lookupInvite", async ({ body, services }) => {
    const invite = await services.accounts.lookupInvite({ token: body.token, at: services.now() });
    return { status: 200, body: { ...invite, expiresAt: invite.expiresAt.toISOString() } };
  }),

  userOperation("acceptInvite", async ({ principal, body, services }) => {
    if (principal.kind !== "session") throw new Error("acceptInvite without a session");
    await services.accounts.acceptInvite({ token: body.token, user: principal.user, at: services.now() });
    return { status: 200, body: await sessionBody(services.accounts, services.config.appSecret, principal) };
  }),
];
