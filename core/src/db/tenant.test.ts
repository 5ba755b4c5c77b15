import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { forBusiness, TENANT_MODEL_KEYS, TENANT_MODELS, tenantDb, TenantViolation } from "./tenant.ts";
import { testDb } from "../../../test/support/services.ts";
import { createTestBusiness, type TestBusiness } from "../../../test/support/fixtures.ts";

const db = testDb();
let a: TestBusiness;
let b: TestBusiness;

beforeAll(async () => {
  a = await createTestBusiness(db, { knowledge: [{ title: "A hours", content: "A opens at 9" }] });
  b = await createTestBusiness(db, { knowledge: [{ title: "B hours", content: "B opens at 10" }] });
});
afterAll(async () => {
  await db.$disconnect();
});

describe("tenant scope", () => {
  it("every model that references a business carries businessId and an index led by it", () => {
    const schema = readFileSync(new URL("../../../prisma/schema.prisma", import.meta.url), "utf8");
    const exempt = new Set(["User", "UserSession", "Business", "ProcessedEvent", "AccountToken"]);
    const models = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
    expect(models.length).toBeGreaterThan(15);
    for (const [, name, body] of models) {
      if (exempt.has(name!)) continue;
      expect(TENANT_MODELS.has(name!), `${name} must carry businessId`).toBe(true);
      const indexed = /@@(index|unique)\(\[businessId[,\]]/.test(body!) || /^\s*businessId\s+String\s+@unique/m.test(body!);
      expect(indexed, `${name} needs an index that starts with businessId`).toBe(true);
    }
  });

  it("a query that names no business sees only the scoped business's rows", async () => {
    const scoped = forBusiness(db, a.business.id);
    const rows = await scoped.rAGContent.findMany();
    expect(rows.map((r) => r.title)).toEqual(["A hours"]);
    expect(await scoped.phoneNumber.count()).toBe(1);
    expect((await scoped.phoneNumber.findFirst())?.e164).toBe(a.phone.e164);
  });

  it("another business's row by id is not found, cannot be changed and cannot be deleted", async () => {
    const scoped = forBusiness(db, a.business.id);
    const theirs = await db.rAGContent.findFirstOrThrow({ where: { businessId: b.business.id } });
    expect(await scoped.rAGContent.findUnique({ where: { id: theirs.id } })).toBeNull();
    await expect(scoped.rAGContent.update({ where: { id: theirs.id }, data: { title: "pwned" } })).rejects.toThrow();
    await expect(scoped.rAGContent.delete({ where: { id: theirs.id } })).rejects.toThrow();
    expect((await scoped.rAGContent.updateMany({ where: { id: theirs.id }, data: { title: "pwned" } })).count).toBe(0);
    expect((await scoped.rAGContent.deleteMany({ where: { id: theirs.id } })).count).toBe(0);
    expect((await db.rAGContent.findUniqueOrThrow({ where: { id: theirs.id } })).title).toBe("B hours");
  });

  it("a filter or a write that names another business is refused", async () => {
    const scoped = forBusiness(db, a.business.id);
    await expect(scoped.rAGContent.findMany({ where: { businessId: b.business.id } })).rejects.toThrow(TenantViolation);
    await expect(
      scoped.rAGContent.create({ data: { businessId: b.business.id, title: "x", content: "y" } }),
    ).rejects.toThrow(TenantViolation);
    await expect(
      scoped.rAGContent.updateMany({ data: { businessId: b.business.id } }),
    ).rejects.toThrow(TenantViolation);
    expect(await db.rAGContent.count({ where: { businessId: b.business.id } })).toBe(1);
  });

  it("counts and aggregates are scoped too", async () => {
    const scoped = forBusiness(db, b.business.id);
    const groups = await scoped.rAGContent.groupBy({ by: ["businessId"], _count: true });
    expect(groups).toEqual([{ businessId: b.business.id, _count: 1 }]);
  });

  it("the business's own row is the only one its Business model reaches", async () => {
    const scoped = forBusiness(db, a.business.id);
    expect((await scoped.business.findMany()).map((x) => x.id)).toEqual([a.business.id]);
    expect(await scoped.business.count()).toBe(1);
    await expect(scoped.business.findUnique({ where: { id: b.business.id } })).rejects.toThrow(TenantViolation);
    await expect(scoped.business.update({ where: { id: b.business.id }, data: { name: "pwned" } })).rejects.toThrow(TenantViolation);
    await expect(scoped.business.create({ data: { name: "x", slug: `x-${Date.now()}` } })).rejects.toThrow(TenantViolation);
    expect((await scoped.business.updateMany({ data: { description: "A's own" } })).count).toBe(1);
    expect((await db.business.findUniqueOrThrow({ where: { id: b.business.id } })).description).not.toBe("A's own");
  });

  it("users, sessions and other unowned models are not reachable through a scope", async () => {
    const scoped = forBusiness(db, a.business.id);
    await expect(scoped.user.findMany()).rejects.toThrow(TenantViolation);
    await expect(scoped.userSession.count()).rejects.toThrow(TenantViolation);
    await expect(scoped.processedEvent.findMany()).rejects.toThrow(TenantViolation);
  });
});

describe("the tenant client a handler is given", () => {
  it("names every tenant-owned model of the schema, and only those", () => {
    const key = (model: string) => model[0]!.toLowerCase() + model.slice(1);
    expect([...TENANT_MODEL_KEYS].sort()).toEqual([...TENANT_MODELS].map(key).sort());
  });

  it("holds the business's models and nothing else: no raw SQL, no users, no plain client", () => {
    const scoped = tenantDb(db, a.business.id) as unknown as Record<string, unknown>;
    expect(Object.keys(scoped).sort()).toEqual(["$transaction", "business", "businessId", ...TENANT_MODEL_KEYS].sort());
    for (const name of ["$queryRaw", "$queryRawUnsafe", "$executeRaw", "$executeRawUnsafe", "$extends", "$connect", "user", "userSession", "processedEvent"]) {
      expect(scoped[name], name).toBeUndefined();
    }
  });

  it("reads and writes only its business, inside a transaction too", async () => {
    const scoped = tenantDb(db, a.business.id);
    expect(scoped.businessId).toBe(a.business.id);
    expect((await scoped.rAGContent.findMany()).map((r) => r.title)).toEqual(["A hours"]);
    const seen = await scoped.$transaction(async (tx) => {
      expect((tx as unknown as Record<string, unknown>).$executeRaw).toBeUndefined();
      expect(tx.businessId).toBe(a.business.id);
      const phone = await tx.phoneNumber.create({ data: { businessId: tx.businessId, e164: `+1555${Date.now() % 10_000_000}` } });
      await tx.phoneNumber.delete({ where: { id: phone.id } });
      return { titles: (await tx.rAGContent.findMany()).map((r) => r.title), others: await tx.rAGContent.count({ where: { title: "B hours" } }) };
    });
    expect(seen).toEqual({ titles: ["A hours"], others: 0 });
    await expect(scoped.$transaction((tx) => tx.rAGContent.findMany({ where: { businessId: b.business.id } }))).rejects.toThrow(TenantViolation);
  });

  it("rolls a transaction back as one", async () => {
    const scoped = tenantDb(db, a.business.id);
    const before = await scoped.auditLog.count();
    await expect(
      scoped.$transaction(async (tx) => {
        await tx.auditLog.create({ data: { businessId: tx.businessId, actorType: "system", action: "test.rolled_back" } });
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(await scoped.auditLog.count()).toBe(before);
  });
});
