// Phone numbers: attach a Twilio number to the business (unique across all tenants), label
// it, switch it off, detach it.
import { Prisma } from "@prisma/client";
import { tenantOperation } from "../http/operation.ts";
import { ApiError, conflict } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { presentPhoneNumber } from "./present.ts";

async function findNumber(tenant: Tenant, id: string) {
  const found = await tenant.db.phoneNumber.findFirst({ where: { id } });
  if (!found) throw new ApiError("not_found", "not_found", { userMessage: "Phone number not found." });
  return found;
}

export const phoneNumberOperations = [
  tenantOperation("listPhoneNumbers", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.phoneNumber.findMany({ where: page.cursorWhere, orderBy: page.orderBy, take: page.take });
    return { status: 200, body: toPage(rows, query, presentPhoneNumber) };
  }),

  tenantOperation("attachPhoneNumber", async ({ tenant, body }) => {
    try {
      const row = await tenant.db.phoneNumber.create({
        data: { businessId: tenant.business.id, e164: body.e164, label: body.label ?? null, twilioSid: body.twilioSid ?? null },
      });
      return { status: 201, body: presentPhoneNumber(row) };
    } catch (err) {
      // Another business (or this one) already answers this number; say only that it is taken.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        throw conflict("phone_number_taken", "This number is already attached to a business.");
      }
      throw err;
    }
  }),

  tenantOperation("getPhoneNumber", async ({ tenant, params }) => ({
    status: 200,
    body: presentPhoneNumber(await findNumber(tenant, params.phoneNumberId)),
  })),

  tenantOperation("updatePhoneNumber", async ({ tenant, params, body }) => {
    const found = await findNumber(tenant, params.phoneNumberId);
    const row = await tenant.db.phoneNumber.update({
      where: { id: found.id },
      data: { ...(body.label !== undefined ? { label: body.label } : {}), ...(body.isActive !== undefined ? { isActive: body.isActive } : {}) },
    });
    return { status: 200, body: presentPhoneNumber(row) };
  }),

  tenantOperation("detachPhoneNumber", async ({ tenant, params }) => {
    const found = await findNumber(tenant, params.phoneNumberId);
    await tenant.db.phoneNumber.delete({ where: { id: found.id } });
    return { status: 204, body: undefined };
  }),
];
