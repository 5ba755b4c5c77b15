import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { forBusiness, TENANT_MODELS, TenantViolation } from "./tenant.ts";
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
    const exempt = new Set(["User", "UserSession", "Business", "ProcessedEvent"]);
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
});
