// The tenant reader: raw SQL runs only with the business fixed as `$1` and leading every
// WHERE, so a statement that forgets the business is refused before it reaches PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadPool, type ReadPool } from "../../api/src/read/read-pool.ts";
import { assertScoped, scopedQuery, UnscopedStatement } from "../../api/src/read/scoped-query.ts";
import { tenantReader } from "../../api/src/read/tenant-reader.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let pool: ReadPool;
let a: TestBusiness;
let b: TestBusiness;
const until = new Date("2026-05-10T12:00:00Z");

beforeAll(async () => {
  pool = createReadPool(process.env.DATABASE_URL!, 2);
  [a, b] = [await createTestBusiness(db), await createTestBusiness(db)];
  // The same hours for both businesses.
  await seedCalls(a.business, a.phone.e164, { count: 5, until, spacingMs: 3_600_000 });
  await seedCalls(b.business, b.phone.e164, { count: 8, until, spacingMs: 3_600_000 });
});
afterAll(async () => {
  await pool.end();
});

describe("a scoped statement", () => {
  it("runs with the business as $1 and the caller's values after it", async () => {
    const run = scopedQuery(pool, a.business.id);
    const rows = await run<{ n: number }>(`SELECT count(*)::int AS n FROM "CallLog" WHERE "businessId" = $1 AND "startedAt" <= $2::timestamp`, [until.toISOString().replace("Z", "")]);
    expect(rows).toEqual([{ n: 5 }]);
    expect(await scopedQuery(pool, b.business.id)<{ n: number }>(`SELECT count(*)::int AS n FROM "CallLog" c WHERE c."businessId" = $1`, [])).toEqual([{ n: 8 }]);
  });

  it("is refused when a WHERE does not start with the business", () => {
    for (const text of [
      `SELECT count(*) FROM "CallLog" WHERE "startedAt" > $2 AND "businessId" = $1`,
      `SELECT count(*) FROM "CallLog" WHERE "businessId" = $2`,
      `SELECT count(*) FROM "CallLog" WHERE "businessId" = $10`,
      `SELECT count(*) FROM "CallLog" WHERE "businessId" = $1 AND EXISTS (SELECT 1 FROM "CallMessage" m WHERE m."callId" = "CallLog".id)`,
    ]) {
      expect(() => assertScoped(text), text).toThrow(UnscopedStatement);
    }
  });

  it("is refused when it reads a table without a WHERE at all", () => {
    expect(() => assertScoped(`SELECT count(*) FROM "CallLog"`)).toThrow(UnscopedStatement);
    expect(() => assertScoped(`SELECT (SELECT count(*) FROM "ApiKey") FROM "CallLog" WHERE "businessId" = $1`)).toThrow(UnscopedStatement);
  });

  it("refused is never sent: the reader throws before the query", async () => {
    await expect(scopedQuery(pool, a.business.id)(`SELECT id FROM "CallLog"`, [])).rejects.toThrow(UnscopedStatement);
    expect(() => scopedQuery(pool, "")).toThrow(UnscopedStatement);
  });
});

describe("a tenant reader", () => {
  it("pages, counts and totals one business's calls though another called in the same hours", async () => {
    const read = tenantReader(pool, a.business.id);
    const page = await read.callsPage({ limit: 50 });
    expect(page).toHaveLength(5);
    const totals = await read.usageTotals({ from: new Date(until.getTime() - 86_400_000), to: new Date(until.getTime() + 1) });
    expect(totals.calls).toBe(5);
    const analytics = await read.callAnalytics({ from: "2026-05-10", to: "2026-05-10", timeZone: "UTC" });
    expect(analytics.groups.reduce((n, g) => n + g.calls, 0)).toBe(5);
    // A cursor naming another business's call is no cursor here.
    const theirs = await tenantReader(pool, b.business.id).callsPage({ limit: 1 });
    expect(await read.callsPage({ limit: 5, startingAfter: theirs![0]!.id })).toBeNull();
  });
});
