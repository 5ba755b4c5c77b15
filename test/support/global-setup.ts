// One freshly migrated database per `npm test` run, cloned from a template that is built
// once per migration set, so concurrent runs never collide; one Redis key prefix per run.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { Redis } from "ioredis";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = "/" + db;
  return u.toString();
}

/** The migrated template databases are cloned from (tests that need a database of their own clone it too). */
export function templateName(): string {
  return `frontdesk_tpl_${migrationsHash()}`;
}

function migrationsHash(): string {
  const dir = "prisma/migrations";
  const h = createHash("sha256");
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith(".toml")) continue;
    h.update(name).update(readFileSync(join(dir, name, "migration.sql")));
  }
  return h.digest("hex").slice(0, 12);
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function ensureTemplate(): Promise<string> {
  const template = templateName();
  const exists = await admin((c) => c.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]));
  if (exists.rowCount) return template;
  const building = `${template}_b${process.pid}`;
  await admin((c) => c.query(`CREATE DATABASE "${building}"`));
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/prisma.ts", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: withDb(ADMIN_URL, building) },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${building}"`));
    throw new Error(`migrating the test template failed:\n${r.stdout}\n${r.stderr}`);
  }
  await admin(async (c) => {
    try {
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch {
      await c.query(`DROP DATABASE IF EXISTS "${building}"`); // another run built it first
    }
  });
  return template;
}

async function dropStaleRuns(c: pg.Client) {
  const { rows } = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'frontdesk_test_%'");
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const { datname } of rows) {
    const started = Number(datname.split("_")[2]);
    if (started && started < dayAgo) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

export default async function setup() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Tests need Redis at ${REDIS_URL} (set TEST_REDIS_URL): ${(err as Error).message}`);
  }
  try {
    await admin((c) => c.query("SELECT 1"));
  } catch (err) {
    throw new Error(`Tests need PostgreSQL at ${ADMIN_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`);
  }
  const template = await ensureTemplate();
  const runId = `${Date.now()}_${randomBytes(3).toString("hex")}`;
  const db = `frontdesk_test_${runId}`;
  await admin(async (c) => {
    await dropStaleRuns(c);
    await c.query(`CREATE DATABASE "${db}" TEMPLATE "${template}"`);
  });
  const prefix = `test:${runId}:`;
  Object.assign(process.env, {
    NODE_ENV: "test",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    DATABASE_URL: withDb(ADMIN_URL, db),
    REDIS_URL,
    CACHE_PREFIX: prefix,
    APP_SECRET: "test-secret-test-secret-test-secret-0123456789",
  });

  return async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)).catch(() => {});
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
  };
}
