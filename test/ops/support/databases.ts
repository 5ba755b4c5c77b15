// Databases of a test's own on the test server: empty (`db:deploy` on a fresh database, a
// restore target) or migrated; each is dropped by dropDatabases() in afterAll.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { templateName } from "../../support/global-setup.ts";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const created = new Set<string>();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = "/" + name;
  return u.toString();
}

/** Creates an empty database (named like the run's, so stale ones are swept) and returns its URL. */
export async function createEmptyDatabase(label: string): Promise<string> {
  const name = `frontdesk_test_${Date.now()}_${label}_${randomBytes(3).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  created.add(name);
  return databaseUrl(name);
}

/** A migrated database of its own, cloned from the run's template (processes that claim jobs must not share the run's). */
export async function createMigratedDatabase(label: string): Promise<string> {
  const name = `frontdesk_test_${Date.now()}_${label}_${randomBytes(3).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName()}"`));
  created.add(name);
  return databaseUrl(name);
}

export async function dropDatabases(): Promise<void> {
  for (const name of created) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => {});
  created.clear();
}
