// What handlers are given, checked by type (the expectTypeOf lines fail `npx tsc`) and at run
// time: neither a tenant handler nor a user-level one holds a database client or the read
// pool; a tenant's client carries its business's models and nothing else.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import pg from "pg";
import { PrismaClient } from "@prisma/client";
import type { TenantDb, TenantTx } from "@frontdesk/core/db/tenant";
import type { HandlerContext, TenantContext } from "../../api/src/http/operation.ts";
import type { TenantServices, UserServices } from "../../api/src/services.ts";
import { startApi, type Api } from "./support/api-harness.ts";

let api: Api;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

/** Values reachable from `root` in two steps that are a database client or a pool. */
function clientsIn(root: object): string[] {
  const found: string[] = [];
  const look = (value: unknown, path: string, depth: number) => {
    if (value instanceof PrismaClient || value instanceof pg.Pool || value instanceof pg.Client) found.push(path);
    else if (depth > 0 && value && typeof value === "object") for (const [k, v] of Object.entries(value)) look(v, `${path}.${k}`, depth - 1);
  };
  for (const [k, v] of Object.entries(root)) look(v, k, 2);
  return found;
}

describe("handler services", () => {
  it("a tenant handler's services and context name no client, pool or raw SQL", () => {
    expectTypeOf<TenantServices>().not.toHaveProperty("db");
    expectTypeOf<TenantServices>().not.toHaveProperty("readPool");
    expectTypeOf<TenantContext<"listCalls">>().not.toHaveProperty("db");
    expectTypeOf<TenantContext<"listCalls">["tenant"]["db"]>().toEqualTypeOf<TenantDb>();
    expectTypeOf<TenantDb>().not.toHaveProperty("$queryRaw");
    expectTypeOf<TenantDb>().not.toHaveProperty("$executeRaw");
    expectTypeOf<TenantDb>().not.toHaveProperty("$queryRawUnsafe");
    expectTypeOf<TenantDb>().not.toHaveProperty("user");
    expectTypeOf<TenantDb>().not.toHaveProperty("userSession");
    expectTypeOf<TenantTx>().not.toHaveProperty("$executeRaw");
  });

  it("a user-level handler's services name no client either", () => {
    expectTypeOf<UserServices>().not.toHaveProperty("db");
    expectTypeOf<UserServices>().not.toHaveProperty("readPool");
    expectTypeOf<HandlerContext<"acceptInvite">["services"]>().toEqualTypeOf<UserServices>();
  });

  it("hold no database client or pool at run time", () => {
    const { tenant, user } = api.api.services;
    expect(Object.keys(tenant)).not.toContain("db");
    expect(Object.keys(tenant)).not.toContain("readPool");
    expect(Object.keys(user)).not.toContain("db");
    expect(clientsIn(tenant)).toEqual([]);
    expect(clientsIn(user)).toEqual([]);
  });

  it("would notice a client among them", () => {
    expect(clientsIn({ nested: { db: Object.create(PrismaClient.prototype) } })).toEqual(["nested.db"]);
    expect(clientsIn({ readPool: new pg.Pool({ max: 1 }) })).toEqual(["readPool"]);
  });
});
