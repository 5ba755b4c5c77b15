// Tenant-scoped data access. `forBusiness(db, id)` returns a client whose every query on a
// tenant-owned model is filtered by, and every write stamped with, that businessId, so
// tenant code cannot forget it. Cross-tenant lookups (a dialled number -> business, a
// Stripe customer -> business) use the plain client on purpose, and only in system code.
import { Prisma } from "@prisma/client";
import type { Db } from "./client.ts";

/** Models that carry `businessId`, read from the Prisma schema itself. */
export const TENANT_MODELS: ReadonlySet<string> = new Set(
  Prisma.dmmf.datamodel.models
    .filter((m) => m.fields.some((f) => f.name === "businessId" && f.kind === "scalar"))
    .map((m) => m.name),
);

const WHERE_OPS = new Set([
  "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany",
  "count", "aggregate", "groupBy", "update", "updateMany", "updateManyAndReturn",
  "delete", "deleteMany", "upsert",
]);
const DATA_OPS = new Set(["create", "createMany", "createManyAndReturn"]);

export class TenantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantViolation";
  }
}

function stamp(data: Record<string, unknown>, businessId: string, model: string) {
  if (data.businessId !== undefined && data.businessId !== businessId) {
    throw new TenantViolation(`${model}: write names another business`);
  }
  if ("business" in data) throw new TenantViolation(`${model}: connect the business through the scope, not a relation`);
  return { ...data, businessId };
}

export function forBusiness(db: Db, businessId: string) {
  if (!businessId) throw new TenantViolation("forBusiness needs a businessId");
  return db.$extends({
    name: "tenant-scope",
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (!TENANT_MODELS.has(model)) return query(args);
          const a = { ...(args as Record<string, unknown>) };
          if (WHERE_OPS.has(operation)) {
            const where = (a.where ?? {}) as Record<string, unknown>;
            if (where.businessId !== undefined && where.businessId !== businessId) {
              throw new TenantViolation(`${model}.${operation}: filter names another business`);
            }
            a.where = { ...where, businessId };
          }
          if (DATA_OPS.has(operation)) {
            const data = a.data as Record<string, unknown> | Record<string, unknown>[];
            a.data = Array.isArray(data) ? data.map((d) => stamp(d, businessId, model)) : stamp(data, businessId, model);
          }
          if (operation === "upsert") a.create = stamp(a.create as Record<string, unknown>, businessId, model);
          if (operation === "update" || operation === "updateMany" || operation === "upsert") {
            const data = (a.data ?? a.update) as Record<string, unknown> | undefined;
            if (data && data.businessId !== undefined && data.businessId !== businessId) {
              throw new TenantViolation(`${model}.${operation}: cannot move a row to another business`);
            }
          }
          return query(a as typeof args);
        },
      },
    },
  });
}

export type TenantDb = ReturnType<typeof forBusiness>;
