// Secret API keys: created with scopes and an optional expiry, shown once, revoked at once on
// every instance, rotated with an overlap window during which both keys work.
import type { ApiKey } from "@prisma/client";
import { generateSecretKey, keyIsLive } from "@frontdesk/core/auth/api-keys";
import { tenantOperation } from "../http/operation.ts";
import { ApiError, conflict, invalid } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { presentApiKey } from "./present.ts";

const DEFAULT_OVERLAP_SEC = 86_400;

async function findKey(tenant: Tenant, id: string): Promise<ApiKey> {
  const key = await tenant.db.apiKey.findFirst({ where: { id } });
  if (!key) throw new ApiError("not_found", "not_found", { userMessage: "API key not found." });
  return key;
}

function audit(tenant: Tenant, action: string, keyId: string, metadata?: Record<string, string>) {
  return tenant.db.auditLog.create({
    data: { businessId: tenant.business.id, actorType: tenant.actor.type, actorId: tenant.actor.id, action, targetType: "api_key", targetId: keyId, metadata },
  });
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
    const material = generateSecretKey(services.config.appSecret);
    const key = await tenant.db.apiKey.create({
      data: {
        businessId: tenant.business.id,
        name: body.name,
        prefix: material.prefix,
        hash: material.hash,
        last4: material.last4,
        scopes: body.scopes,
        expiresAt,
        createdById: tenant.actor.type === "user" ? tenant.actor.id : null,
      },
    });
    await audit(tenant, "api_key.created", key.id, { scopes: body.scopes.join(" ") });
    return { status: 201, body: { ...presentApiKey(key), secret: material.key } };
  }),

  tenantOperation("getApiKey", async ({ tenant, params }) => ({ status: 200, body: presentApiKey(await findKey(tenant, params.apiKeyId)) })),

  tenantOperation("revokeApiKey", async ({ tenant, params, services }) => {
    const key = await findKey(tenant, params.apiKeyId);
    const revoked = key.revokedAt ? key : await tenant.db.apiKey.update({ where: { id: key.id }, data: { revokedAt: services.now() } });
    await services.keys.invalidate(tenant.business.id);
    if (!key.revokedAt) await audit(tenant, "api_key.revoked", key.id);
    return { status: 200, body: presentApiKey(revoked) };
  }),

  tenantOperation("rotateApiKey", async ({ tenant, params, body, services }) => {
    const old = await findKey(tenant, params.apiKeyId);
    const now = services.now();
    if (!keyIsLive(old, now)) throw conflict("key_not_active", "Only an active key can be rotated; create a new key instead.");
    const overlapMs = (body?.overlapSeconds ?? DEFAULT_OVERLAP_SEC) * 1000;
    const overlapEnd = new Date(now.getTime() + overlapMs);
    const material = generateSecretKey(services.config.appSecret);
    const created = await services.db.$transaction(async (tx) => {
      // Conditional on the old key still being live, so two concurrent rotations make one new key.
      const ended = await tx.apiKey.updateMany({
        where: { id: old.id, businessId: tenant.business.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: overlapEnd } }] },
        data: { expiresAt: overlapEnd },
      });
      const alreadyEnding = old.expiresAt !== null && old.expiresAt <= overlapEnd;
      if (ended.count === 0 && !alreadyEnding) throw conflict("key_not_active", "The key changed meanwhile; try again.");
      return tx.apiKey.create({
        data: {
          businessId: tenant.business.id,
          name: old.name,
          prefix: material.prefix,
          hash: material.hash,
          last4: material.last4,
          scopes: old.scopes,
          expiresAt: null,
          rotatedFromId: old.id,
          createdById: tenant.actor.type === "user" ? tenant.actor.id : null,
        },
      });
    });
    await services.keys.invalidate(tenant.business.id);
    await audit(tenant, "api_key.rotated", created.id, { from: old.id, overlapSeconds: String(overlapMs / 1000) });
    return { status: 201, body: { ...presentApiKey(created), secret: material.key } };
  }),
];
