// Webhook endpoints: where call events are delivered, their signing secret, a test send, and
// the delivery log.
import { newWebhookSecret } from "@frontdesk/core/webhooks/signature";
import { webhookTargetProblem } from "@frontdesk/core/webhooks/target-policy";
import { sendTestEvent } from "@frontdesk/core/webhooks/send-test-event";
import { redeliverWebhook } from "@frontdesk/core/webhooks/redeliver-webhook";
import { tenantOperation } from "../http/operation.ts";
import { ApiError, conflict, invalid } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import type { TenantServices } from "../services.ts";
import { presentDelivery, presentWebhookEndpoint } from "./present.ts";

async function findEndpoint(tenant: Tenant, id: string) {
  const e = await tenant.db.webhookEndpoint.findFirst({ where: { id } });
  if (!e) throw new ApiError("not_found", "not_found", { userMessage: "Webhook endpoint not found." });
  return e;
}

function checkUrl(services: TenantServices, url: string) {
  const problem = webhookTargetProblem(url, services.allowPrivateWebhookTargets);
  if (problem) throw invalid(`The webhook URL ${problem}.`, [{ path: "body.url", message: problem }]);
}

export const webhookOperations = [
  tenantOperation("listWebhookEndpoints", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.webhookEndpoint.findMany({ where: page.cursorWhere, orderBy: page.orderBy, take: page.take });
    return { status: 200, body: toPage(rows, query, presentWebhookEndpoint) };
  }),

  tenantOperation("createWebhookEndpoint", async ({ tenant, body, services }) => {
    checkUrl(services, body.url);
    const row = await tenant.db.webhookEndpoint.create({
      data: { businessId: tenant.business.id, url: body.url, description: body.description ?? null, events: body.events, secret: newWebhookSecret() },
    });
    return { status: 201, body: { ...presentWebhookEndpoint(row), secret: row.secret } };
  }),

  tenantOperation("getWebhookEndpoint", async ({ tenant, params }) => ({
    status: 200,
    body: presentWebhookEndpoint(await findEndpoint(tenant, params.webhookEndpointId)),
  })),

  tenantOperation("updateWebhookEndpoint", async ({ tenant, params, body, services }) => {
    const e = await findEndpoint(tenant, params.webhookEndpointId);
    if (body.url !== undefined) checkUrl(services, body.url);
    const row = await tenant.db.webhookEndpoint.update({
      where: { id: e.id },
      data: {
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.isActive !== undefined
          ? { isActive: body.isActive, disabledAt: body.isActive ? null : services.now(), disabledReason: null, ...(body.isActive ? { failingSince: null } : {}) }
          : {}),
      },
    });
    return { status: 200, body: presentWebhookEndpoint(row) };
  }),

  tenantOperation("deleteWebhookEndpoint", async ({ tenant, params }) => {
    const e = await findEndpoint(tenant, params.webhookEndpointId);
    await tenant.db.webhookEndpoint.delete({ where: { id: e.id } });
    return { status: 204, body: undefined };
  }),

  tenantOperation("rotateWebhookSecret", async ({ tenant, params }) => {
    const e = await findEndpoint(tenant, params.webhookEndpointId);
    const row = await tenant.db.webhookEndpoint.update({ where: { id: e.id }, data: { secret: newWebhookSecret() } });
    return { status: 200, body: { ...presentWebhookEndpoint(row), secret: row.secret } };
  }),

  tenantOperation("sendWebhookTest", async ({ tenant, params, services }) => {
    const e = await findEndpoint(tenant, params.webhookEndpointId);
    const delivery = await sendTestEvent({ db: tenant.db, resolve: services.resolveHost, allowPrivateTargets: services.allowPrivateWebhookTargets, now: services.now }, e);
    return { status: 200, body: presentDelivery(delivery) };
  }),

  tenantOperation("redeliverWebhookDelivery", async ({ tenant, params, services }) => {
    const e = await findEndpoint(tenant, params.webhookEndpointId);
    const d = await tenant.db.webhookDelivery.findFirst({ where: { id: params.webhookDeliveryId, endpointId: e.id } });
    if (!d) throw new ApiError("not_found", "not_found", { userMessage: "Webhook delivery not found." });
    if (!e.isActive) throw conflict("endpoint_disabled", "The endpoint is disabled; re-enable it before redelivering.");
    if (d.status === "pending") throw conflict("conflict", "The delivery is still being retried; wait for it to finish.");
    const delivery = await redeliverWebhook(
      { db: tenant.db, resolve: services.resolveHost, allowPrivateTargets: services.allowPrivateWebhookTargets, now: services.now, logger: services.logger },
      e,
      d,
    );
    return { status: 200, body: presentDelivery(delivery) };
  }),

  tenantOperation("listWebhookDeliveries", async ({ tenant, params, query }) => {
    const e = await findEndpoint(tenant, params.webhookEndpointId);
    const page = pageArgs(query);
    const rows = await tenant.db.webhookDelivery.findMany({
      where: { endpointId: e.id, ...page.cursorWhere, ...(query.status ? { status: query.status } : {}) },
      orderBy: page.orderBy,
      take: page.take,
    });
    return { status: 200, body: toPage(rows, query, presentDelivery) };
  }),
];
