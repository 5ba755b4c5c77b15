// Phone numbers: attach a Twilio number to the business (unique across all tenants; pointed
// at the relay through Twilio's REST API when credentials are set), label it, switch it off,
// detach it.
import { Prisma } from "@prisma/client";
import { TwilioNumberError } from "@frontdesk/core/telephony/twilio-numbers";
import { twilioWebhookUrls } from "@frontdesk/core/telephony/webhook-urls";
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

function twilioProblem(err: unknown, logger: { warn(obj: object, msg: string): void }): unknown {
  if (!(err instanceof TwilioNumberError)) return err;
  if (err.kind === "number_not_found") {
    return new ApiError("validation_failed", "twilio_number_not_found", {
      userMessage: "This number is not on the Twilio account this frontdesk uses; buy or port it there first.",
      errors: [{ path: "body.e164", message: "is not a number of the Twilio account" }],
    });
  }
  logger.warn({ err: err.message, kind: err.kind }, "configuring a Twilio number failed");
  const why = err.kind === "unauthorized" ? "Twilio refused this frontdesk's credentials" : "Twilio could not set the number's webhooks";
  return new ApiError("unavailable", "twilio_unavailable", { userMessage: `${why}; nothing was attached. Try again, or ask the operator to check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.` });
}

export const phoneNumberOperations = [
  tenantOperation("listPhoneNumbers", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.phoneNumber.findMany({ where: page.cursorWhere, orderBy: page.orderBy, take: page.take });
    return { status: 200, body: toPage(rows, query, presentPhoneNumber) };
  }),

  tenantOperation("attachPhoneNumber", async ({ tenant, body, services }) => {
    let row;
    try {
      row = await tenant.db.phoneNumber.create({
        data: { businessId: tenant.business.id, e164: body.e164, label: body.label ?? null, twilioSid: body.twilioSid ?? null },
      });
    } catch (err) {
      // Another business (or this one) already answers this number; say only that it is taken.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        throw conflict("phone_number_taken", "This number is already attached to a business.");
      }
      throw err;
    }
    if (!services.twilioNumbers.configured) return { status: 201, body: presentPhoneNumber(row) };
    // Claimed first (so a number taken elsewhere is never reconfigured), released if Twilio fails.
    try {
      const { sid } = await services.twilioNumbers.configureWebhooks(row.e164, twilioWebhookUrls(services.config));
      row = await tenant.db.phoneNumber.update({ where: { id: row.id }, data: { twilioSid: sid } });
      return { status: 201, body: presentPhoneNumber(row) };
    } catch (err) {
      await tenant.db.phoneNumber.delete({ where: { id: row.id } });
      throw twilioProblem(err, services.logger);
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
