// Which business a request acts on, and with what role. A key acts on its own business; a
// session on a business the user belongs to, named by the path or the Frontdesk-Business
// header. A business the caller cannot reach answers 404, never 403.
import type { RequestHandler } from "express";
import type { Business, Role } from "@prisma/client";
import type { Db } from "@frontdesk/core/db/client";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { ApiError, forbidden, invalid } from "../http/api-error.ts";
import type { Tenant } from "../http/context.ts";
import type { ReadPool } from "../read/read-pool.ts";
import { tenantReader } from "../read/tenant-reader.ts";
import type { CallsPageCache } from "../read/calls-page-cache.ts";
import { knowledgeFor, type KnowledgeApi } from "../services.ts";

const BUSINESS_HEADER = "frontdesk-business";

const businessNotFound = () => new ApiError("not_found", "business_not_found", { userMessage: "Business not found." });

/** What a tenant handler may reach of its business's data: nothing else is handed to it. */
export type TenantScope = Pick<Tenant, "db" | "read" | "knowledge">;

/** One scope per business, reused: building the Prisma extension per request is wasted work. */
export function createTenantScopes(
  deps: { db: Db; pool: ReadPool; knowledge: KnowledgeApi; callsPages?: CallsPageCache },
  max = 1000,
): (businessId: string) => TenantScope {
  const { db, pool, knowledge, callsPages } = deps;
  const scopes = new Map<string, TenantScope>();
  return (businessId) => {
    let s = scopes.get(businessId);
    if (!s) {
      if (scopes.size >= max) scopes.delete(scopes.keys().next().value!);
      scopes.set(businessId, (s = { db: tenantDb(db, businessId), read: tenantReader(pool, businessId, callsPages), knowledge: knowledgeFor(knowledge, businessId) }));
    }
    return s;
  };
}

async function membershipOf(db: Db, userId: string, businessId: string | undefined): Promise<{ business: Business; role: Role }> {
  if (businessId !== undefined) {
    if (businessId.length > 64) throw businessNotFound();
    const m = await db.membership.findFirst({
      where: { userId, businessId, business: { deletedAt: null } },
      select: { role: true, business: true },
    });
    if (!m) throw businessNotFound();
    return m;
  }
  const ms = await db.membership.findMany({
    where: { userId, business: { deletedAt: null } },
    select: { role: true, business: true },
    take: 2,
  });
  if (ms.length === 0) throw new ApiError("not_found", "no_business", { userMessage: "You do not belong to a business yet; create one first." });
  if (ms.length > 1) throw invalid("You belong to several businesses; name one in the Frontdesk-Business header.", [{ path: "header.Frontdesk-Business", message: "is required" }]);
  return ms[0]!;
}

export function resolveTenant(deps: { db: Db; scope: (businessId: string) => TenantScope }): RequestHandler {
  return async (req, _res, next) => {
    try {
      const fd = req.fd!;
      const { op, principal } = fd;
      if (op.business === "none" || principal.kind === "anonymous") return next();
      const named = op.business === "path" ? fd.params.businessId : (req.headers[BUSINESS_HEADER] as string | undefined);
      let tenant: Tenant;
      if (principal.kind === "secretKey" || principal.kind === "publishableKey") {
        if (named !== undefined && named !== principal.business.id) throw businessNotFound();
        const actor = principal.kind === "secretKey" ? { type: "api_key" as const, id: principal.key.id } : { type: "widget_key" as const, id: principal.widgetKey.id };
        tenant = { business: principal.business, ...deps.scope(principal.business.id), role: null, actor };
      } else {
        const { business, role } = await membershipOf(deps.db, principal.user.id, named);
        if (op.roles && !op.roles.includes(role)) {
          throw forbidden("insufficient_role", `This needs the ${op.roles.join(" or ")} role; you are ${role === "admin" ? "an" : "a"} ${role}.`);
        }
        tenant = { business, ...deps.scope(business.id), role, actor: { type: "user", id: principal.user.id } };
      }
      fd.tenant = tenant;
      next();
    } catch (err) {
      next(err);
    }
  };
}
