// Backup and restore as the README documents them: scripts/backup.sh dumps a database with
// data (the demo business, its indexed knowledge), scripts/restore.sh restores it into a new,
// empty database, and every table has the same number of rows; the restored copy is usable
// (the knowledge vectors came back and the migrations are recorded).
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb } from "@frontdesk/core/db/client";
import { createApiWorker } from "@frontdesk/api/worker";
import { createEmptyDatabase, createMigratedDatabase, dropDatabases } from "./support/databases.ts";
import { productionEnv } from "./support/env.ts";
import { runToEnd } from "./support/processes.ts";
import { testCache, testConfig, testLogger } from "../support/services.ts";

const dir = mkdtempSync(join(tmpdir(), "frontdesk-backup-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropDatabases();
});

async function rowCounts(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: tables } = await c.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const out: Record<string, number> = {};
    for (const { tablename } of tables) out[tablename] = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${tablename}"`)).rows[0]!.n);
    return out;
  } finally {
    await c.end();
  }
}

describe("backup and restore", () => {
  it("scripts/backup.sh then scripts/restore.sh into a new database gives the same rows in every table", async () => {
    const source = await createMigratedDatabase("backup");
    const seed = await runToEnd("npm", ["run", "db:seed"], productionEnv(source));
    expect(seed.code, seed.output).toBe(0);
    const db = createDb({ url: source, poolMax: 2 });
    const cache = testCache();
    await createApiWorker({ config: testConfig({ DATABASE_URL: source }), db, cache, logger: testLogger() }).drain();
    await db.$disconnect();
    await cache.close();
    const before = await rowCounts(source);
    expect(before.KnowledgeChunk).toBeGreaterThan(0);
    expect(before._prisma_migrations).toBeGreaterThan(0);

    const file = join(dir, "frontdesk.dump");
    const backup = await runToEnd("bash", ["scripts/backup.sh", file], { PATH: process.env.PATH, DATABASE_URL: source });
    expect(backup.code, backup.output).toBe(0);

    const target = await createEmptyDatabase("restore");
    const restore = await runToEnd("bash", ["scripts/restore.sh", file], { PATH: process.env.PATH, RESTORE_DATABASE_URL: target });
    expect(restore.code, restore.output).toBe(0);

    expect(await rowCounts(target)).toEqual(before);
    // Vectors survived byte for byte.
    const sum = async (url: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query<{ h: string }>(`SELECT md5(string_agg(embedding::text, ',' ORDER BY id)) AS h FROM "KnowledgeChunk"`)).rows[0]!.h;
      } finally {
        await c.end();
      }
    };
    expect(await sum(target)).toBe(await sum(source));
    // Restoring into a database that is not empty stops at the first error rather than mixing data.
    const again = await runToEnd("bash", ["scripts/restore.sh", file], { PATH: process.env.PATH, RESTORE_DATABASE_URL: target });
    expect(again.code).not.toBe(0);
    expect(await rowCounts(target)).toEqual(before);
  }, 180_000);
});
