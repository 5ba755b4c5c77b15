// Real services for tests, one per test worker: the run's own database and Redis prefix
// (set by global-setup), and the app config they imply.
import { loadConfig, type AppConfig } from "@frontdesk/core/config/env";
import { createDb, type Db } from "@frontdesk/core/db/client";
import { createCache, type Cache } from "@frontdesk/core/cache/index";
import { createLogger, type Logger } from "@frontdesk/core/observability/logger";

let db: Db | undefined;

export function testConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** The worker's Prisma client on the run's database. */
export function testDb(): Db {
  db ??= createDb({ url: process.env.DATABASE_URL!, poolMax: 5 });
  return db;
}

/** A fresh cache on the run's Redis prefix (close it in afterAll). */
export function testCache(): Cache {
  return createCache(testConfig());
}

export function testLogger(name = "test"): Logger {
  return createLogger(name, process.env.LOG_LEVEL ?? "silent");
}
