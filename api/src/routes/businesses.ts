// Businesses: the caller's list, creation (the creator becomes owner), profile, time zone,
// hours and the active flag, and deletion.
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { isValidTimeZone, WeeklyHoursSchema } from "@frontdesk/core/business/hours";
import { tenantOperation, userOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { components } from "../generated/openapi.ts";
import { presentBusiness } from "./present.ts";

type BusinessInput = components["schemas"]["BusinessCreate"] | components["schemas"]["BusinessUpdate"];

function slugFor(name: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "business"}-${randomBytes(3).toString("hex")}`;
}

/** Checks what the schema cannot (a real time zone, opening before closing) and builds the row data. */
export function businessData(input: BusinessInput): Prisma.BusinessUpdateInput {
  const problems: { path: string; message: string }[] = [];
  if (input.timezone !== undefined && !isValidTimeZone(input.timezone)) {
    problems.push({ path: "body.timezone", message: "must be an IANA time zone such as Europe/Paris" });
  }
  if (input.hours !== undefined) {
    const parsed = WeeklyHoursSchema.safeParse(input.hours);
    if (!parsed.success) for (const i of parsed.error.issues) problems.push({ path: ["body.hours", ...i.path].join("."), message: i.message });
  }
  if (problems.length) throw invalid(problems.map((p) => `${p.path} ${p.message}`).join("; "), problems);
  const data: Prisma.BusinessUpdateInput = {};
  if (input.name !== undefined) data.name = input.name.trim() || input.name;
  if (input.description !== undefined) data.description = input.description;
  if (input.website !== undefined) data.website = input.website;
  if (input.industry !== undefined) data.industry = input.industry;
  if (input.address !== undefined) data.address = input.address;
  if (input.contactEmail !== undefined) data.contactEmail = input.contactEmail;
  if (input.timezone !== undefined) data.timezone = input.timezone;
  if (input.hours !== undefined) data.hours = input.hours as Prisma.InputJsonValue;
  if ("isActive" in input && input.isActive !== undefined) data.isActive = input.isActive;
  return data;
}

/** Creates a business with `userId` as its owner (used by sign-up too). */
export async function createBusinessFor(tx: Prisma.TransactionClient, userId: string, input: components["schemas"]["BusinessCreate"]) {
  const data = businessData(input) as Prisma.BusinessCreateInput;
  return tx.business.create({
    data: { ...data, name: input.name, slug: slugFor(input.name), memberships: { create: { userId, role: "owner" } } },
  });
}

export const businessOperations = [
  userOperation("listBusinesses", async ({ principal, query, services }) => {
    if (principal.kind === "secretKey") {
      return { status: 200, body: { object: "list" as const, data: [presentBusiness(principal.business)], has_more: false } };
    }
    if (principal.kind !== "session") throw new Error("listBusinesses without a session or key");
    const page = pageArgs(query);
    const rows = await services.db.membership.findMany({
      where: { userId: principal.user.id, business: { deletedAt: null, ...(query.starting_after ? { id: { lt: query.starting_after } } : {}) } },
      include: { business: true },
      orderBy: { businessId: "desc" },
      take: page.take,
    });
    return { status: 200, body: toPage(rows, query, (m) => presentBusiness(m.business, m.role)) };
  }),

  userOperation("createBusiness", async ({ principal, body, services }) => {
    if (principal.kind !== "session") throw new Error("createBusiness without a session");
    const business = await services.db.$transaction((tx) => createBusinessFor(tx, principal.user.id, body));
    return { status: 201, body: presentBusiness(business, "owner") };
  }),

  tenantOperation("getBusiness", async ({ tenant, services }) => {
    const business = await services.db.business.findUniqueOrThrow({ where: { id: tenant.business.id } });
    return { status: 200, body: presentBusiness(business, tenant.role) };
  }),

  tenantOperation("updateBusiness", async ({ tenant, body, services }) => {
    const business = await services.db.business.update({ where: { id: tenant.business.id }, data: businessData(body) });
    // Keys carry a cached copy of their business (plan, deletion); refresh it everywhere.
    await services.keys.invalidate(business.id);
    return { status: 200, body: presentBusiness(business, tenant.role) };
  }),

  tenantOperation("deleteBusiness", async ({ tenant, services }) => {
    const id = tenant.business.id;
    await services.db.$transaction(async (tx) => {
      await tx.business.update({ where: { id }, data: { deletedAt: services.now(), isActive: false } });
      // Its numbers may ring someone else's business from now on.
      await tx.phoneNumber.deleteMany({ where: { businessId: id } });
      await tx.webhookEndpoint.updateMany({ where: { businessId: id }, data: { isActive: false, disabledAt: services.now() } });
      await tx.auditLog.create({ data: { businessId: id, actorType: tenant.actor.type, actorId: tenant.actor.id, action: "business.deleted" } });
    });
    await services.keys.invalidate(id);
    return { status: 204, body: undefined };
  }),
];
