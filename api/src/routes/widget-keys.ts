// Publishable widget keys: which widgets they open and from which origins.
import { createWidgetKey } from "@frontdesk/core/auth/create-widget-key";
import { mintWidgetToken } from "@frontdesk/core/auth/widget-token";
import { tenantOperation } from "../http/operation.ts";
import { ApiError, conflict } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { presentWidgetKey } from "./present.ts";

async function findWidgetKey(tenant: Tenant, id: string) {
  const key = await tenant.db.widgetKey.findFirst({ where: { id } });
  if (!key) throw new ApiError("not_found", "not_found", { userMessage: "Widget key not found." });
  return key;
}

export const widgetKeyOperations = [
  tenantOperation("listWidgetKeys", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.widgetKey.findMany({ where: page.cursorWhere, orderBy: page.orderBy, take: page.take });
    return { status: 200, body: toPage(rows, query, presentWidgetKey) };
  }),

  tenantOperation("createWidgetKey", async ({ tenant, body }) => {
    const row = await createWidgetKey(tenant.db, { name: body.name, widgets: body.widgets, allowedOrigins: body.allowedOrigins });
    return { status: 201, body: presentWidgetKey(row) };
  }),

  tenantOperation("getWidgetKey", async ({ tenant, params }) => ({
    status: 200,
    body: presentWidgetKey(await findWidgetKey(tenant, params.widgetKeyId)),
  })),

  tenantOperation("updateWidgetKey", async ({ tenant, params, body, services }) => {
    const key = await findWidgetKey(tenant, params.widgetKeyId);
    const row = await tenant.db.widgetKey.update({
      where: { id: key.id },
      data: {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.widgets !== undefined ? { widgets: body.widgets } : {}),
        ...(body.allowedOrigins !== undefined ? { allowedOrigins: body.allowedOrigins.map((o) => new URL(o).origin) } : {}),
      },
    });
    await services.keys.invalidate(tenant.business.id);
    return { status: 200, body: presentWidgetKey(row) };
  }),

  tenantOperation("revokeWidgetKey", async ({ tenant, params, services }) => {
    const key = await findWidgetKey(tenant, params.widgetKeyId);
    const row = key.revokedAt ? key : await tenant.db.widgetKey.update({ where: { id: key.id }, data: { revokedAt: services.now() } });
    await services.keys.invalidate(tenant.business.id);
    return { status: 200, body: presentWidgetKey(row) };
  }),

  // A token for the business's own backend to hand to its page (see openapi.yaml).
  tenantOperation("createWidgetToken", async ({ tenant, params, body, services }) => {
    const key = await findWidgetKey(tenant, params.widgetKeyId);
    if (key.revokedAt) throw conflict("key_not_active", "This widget key is revoked; mint tokens for an active one.");
    const { token, expiresAt } = mintWidgetToken(
      services.config.appSecret,
      { businessId: tenant.business.id, widgetKeyId: key.id },
      { ttlSeconds: body?.ttlSeconds, now: services.now().getTime() },
    );
    return { status: 201, body: { token, widgetKeyId: key.id, expiresAt: expiresAt.toISOString() } };
  }),
];
