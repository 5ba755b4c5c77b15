// Businesses: the caller's list, creation (the creator becomes owner), profile, time zone,
// hours and the active flag, and deletion. The acts are core/business verbs.
import { updateBusiness } from "@frontdesk/core/business/update-business";
import { deleteBusiness } from "@frontdesk/core/business/delete-business";
import { tenantOperation, userOperation } from "../http/operation.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import { presentBusiness } from "./present.ts";

export const businessOperations = [
  userOperation("listBusinesses", async ({ principal, query, services }) => {
    if (principal.kind === "secretKey") {
      return { status: 200, body: { object: "list" as const, data: [presentBusiness(principal.business)], has_more: false } };
    }
    if (principal.kind !== "session") throw new Error("listBusinesses without a session or key");
    const page = pageArgs(query);
    const rows = await services.accounts.businesses(principal.user.id, { startingAfter: query.starting_after, take: page.take });
    return { status: 200, body: toPage(rows, query, (m) => presentBusiness(m.business, m.role)) };
  }),

  userOperation("createBusiness", async ({ principal, body, services }) => {
    if (principal.kind !== "session") throw new Error("createBusiness without a session");
    const business = await services.accounts.createBusiness({ ...body, ownerId: principal.user.id });
    return { status: 201, body: presentBusiness(business, "owner") };
  }),

  tenantOperation("getBusiness", async ({ tenant }) => {
    const business = await tenant.db.business.findUniqueOrThrow({ where: { id: tenant.business.id } });
    return { status: 200, body: presentBusiness(business, tenant.role) };
  }),

  tenantOperation("updateBusiness", async ({ tenant, body, services }) => {
    const business = await updateBusiness(tenant.db, body);
    // Keys carry a cached copy of their business (plan, deletion); refresh it everywhere.
    await services.keys.invalidate(business.id);
    return { status: 200, body: presentBusiness(business, tenant.role) };
  }),

  tenantOperation("deleteBusiness", async ({ tenant, services }) => {
    await deleteBusiness(tenant.db, { actor: tenant.actor, at: services.now() });
    await services.keys.invalidate(tenant.business.id);
    return { status: 204, body: undefined };
  }),
];
