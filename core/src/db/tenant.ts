// Tenant-scoped data access. `forBusiness(db, id)` returns a client whose every query on a
// tenant-owned model is filtered by, and every write stamped with, that businessId, so
// tenant code cannot forget it; its Business model reaches that business's own row only, and
// users, sessions and other unowned models not at all. `tenantDb(db, id)` is the same scope
// with nothing else on it (no raw SQL, no way back to the plain client): the TenantDb a
// tenant handler is given. Cross-tenant lookups (a dialled number -> business, a Stripe
// customer -> business) use the plain client on purpose, and only in system code.
import { Prisma } from "@prisma/client";
import type { Db } from "./client.ts";

/** Models that carry `businessId`, read from the Prisma schema itself. */
export const TENANT_MODELS: ReadonlySet<string> = new Set(
  Prisma.dmmf.datamodel.models
    .filter((m) => m.fields.some((f) => f.name === "businessId" && f.kind === "scalar"))
    .map((m) => m.name),
);

/**
 * The client properties of the tenant-owned models, spelled out so the type of a scoped client
 * can name them; tenant.test.ts checks this list against TENANT_MODELS (the schema).
 */
export const TENANT_MODEL_KEYS = [
  "membership", "invite", "phoneNumber", "rAGContent", "knowledgeChunk", "configuration",
  "callLog", "transcriptSegment", "callMessage", "apiKey", "widgetKey", "webhookEndpoint",
  "webhookDelivery", "subscription", "usageEvent", "idempotencyKey", "auditLog", "job",
  "knowledgeGap", "knowledgeGapCall",
] as const;

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

// The business's own row: every filter is pinned to its id; creating businesses is not a
// tenant's act (core/business/create-business.ts is).
function ownBusiness(operation: string, a: Record<string, unknown>, businessId: string) {
  if (!WHERE_OPS.has(operation) || operation === "upsert") throw new TenantViolation(`Business.${operation}: not through a tenant scope`);
  const where = (a.where ?? {}) as Record<string, unknown>;
  if (where.id !== undefined && where.id !== businessId) throw new TenantViolation(`Business.${operation}: filter names another business`);
  a.where = { ...where, id: businessId };
  const data = a.data as Record<string, unknown> | undefined;
  if (data && data.id !== undefined && data.id !== businessId) throw new TenantViolation(`Business.${operation}: cannot change the id`);
  return a;
}

function scopedClient(db: Db, businessId: string) {
  return db.$extends({
    name: "tenant-scope",
    // Which business the scope is: what its writes are stamped with, for code that names it.
    client: { businessId },
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (model === "Business") return query(ownBusiness(operation, { ...(args as Record<string, unknown>) }, businessId) as typeof args);
          if (!TENANT_MODELS.has(model)) throw new TenantViolation(`${model} is not reachable through a tenant scope`);
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

/** The scoped client of system code (jobs, the relay): raw SQL stays possible inside it. */
export type ScopedDb = ReturnType<typeof scopedClient>;

export function forBusiness(db: Db, businessId: string): ScopedDb {
  if (!businessId) throw new TenantViolation("forBusiness needs a businessId");
  return scopedClient(db, businessId);
}

type TenantModels = Pick<ScopedDb, (typeof TENANT_MODEL_KEYS)[number] | "business">;

/** A transaction inside one business: the same models, the same scope. */
export interface TenantTx extends TenantModels {
  readonly businessId: string;
}

/** A business's own data and nothing more: the only client a tenant handler is given. */
export interface TenantDb extends TenantTx {
  $transaction<R>(
    fn: (tx: TenantTx) => Promise<R>,
    options?: { maxWait?: number; timeout?: number; isolationLevel?: Prisma.TransactionIsolationLevel },
  ): Promise<R>;
}

const MODEL_KEYS = [...TENANT_MODEL_KEYS, "business"] as const;

// Lazy getters: Prisma builds a model's delegate on first use, so a scoped client made for
// one query does not pay for nineteen.
function onlyTenantModels<T extends object>(client: TenantModels, into: T): T & TenantModels {
  for (const key of MODEL_KEYS) Object.defineProperty(into, key, { get: () => client[key], enumerable: true });
  return into as T & TenantModels;
}

/** `forBusiness` with nothing but the business's models on it, at run time as in its type. */
export function tenantDb(db: Db, businessId: string): TenantDb {
  const client = forBusiness(db, businessId);
  return onlyTenantModels(client, {
    businessId,
    $transaction: <R>(fn: (tx: TenantTx) => Promise<R>, options?: Parameters<TenantDb["$transaction"]>[1]) =>
      client.$transaction((tx) => fn(onlyTenantModels(tx as unknown as TenantModels, { businessId })), options),
  });
}
