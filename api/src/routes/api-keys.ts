// Secret API keys: created with scopes and an optional expiry, shown once, revoked at once on
// every instance, rotated with an overlap window during which both keys work. Creating and
// rotating are core/auth verbs; every write goes through the tenant's scoped client.
import type { ApiKey } from "@prisma/client";
import { createApiKey } from "@frontdesk/core/auth/create-api-key";
import { rotateApiKey } from "@frontdesk/core/auth/rotate-api-key";
import { recordAudit } from "@frontdesk/core/audit/record-audit";
import { tenantOperation } from "../http/operation.ts";
import { ApiError, invalid } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { presentApiKey } from "./present.ts";

async function findKey(tenant: Tenant, id: string): Promise<ApiKey> {
  const key = await tenant.db.apiKey.findFirst({ where: { id } });
  if (!key) throw new ApiError("not_found", "not_found", { userMessage: "API key not found." });
  return key;
}

export const apiKeyOperations = [
  tenantOperation("listApiKeys", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.apiKey.findMany({ where: page.cursorWhere, orderBy: page.orderBy, take: page.take });
    return { status: 200, body: toPage(rows, query, presentApiKey) };
  }),

  tenantOperation("createApiKey", async ({ tenant, body, services }) => {
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt <= services.now()) throw invalid("`expiresAt` must be in the future.", [{ path: "body.expiresAt", message: "must be in the future" }]);
    const { key, secret } = await createApiKey(tenant.db, { name: body.name, scopes: body.scopes, expiresAt, actor: tenant.actor, appSecret: services.config.appSecret });
    return { status: 201, body: { ...presentApiKey(key), secret } };
  }),

  tenantOperation("getApiKey", async ({ tenant, params }) => ({ status: 200, body: presentApiKey(await findKey(tenant, params.apiKeyId)) })),

  tenantOperation("revokeApiKey", async ({ tenant, params, services }) => {
    const key = await findKey(tenant, params.apiKeyId);
    const revoked = key.revokedAt ? key : await tenant.db.apiKey.update({ where: { id: key.id }, data: { revokedAt: services.now() } });
    await services.keys.invalidate(tenant.business.id);
    if (!key.revokedAt) await recordAudit(tenant.db, tenant.actor, { action: "api_key.revoked", targetType: "api_key", targetId: key.id });
    return { status: 200, body: presentApiKey(revoked) };
  }),

  tenantOperation("rotateApiKey", async ({ tenant, params, body, services }) => {
    const { key, secret } = await rotateApiKey(tenant.db, {
      keyId: params.apiKeyId,
      overlapSec: body?.overlapSeconds,
      actor: tenant.actor,
      appSecret: services.config.appSecret,
      at: services.now(),
    });
    await services.keys.invalidate(tenant.business.id);
    return { status: 201, body: { ...presentApiKey(key), secret } };
  }),
];
