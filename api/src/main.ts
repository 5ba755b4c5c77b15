// `npm run start -w api`: the API alone, with its job worker, configured from the environment
// (core/config/env). Drains on SIGTERM/SIGINT: stops accepting, finishes requests, then exits.
import { loadConfig, ConfigError, usesDevSecret } from "@frontdesk/core/config/env";
import { createDb } from "@frontdesk/core/db/client";
import { createCache } from "@frontdesk/core/cache/index";
import { createLogger } from "@frontdesk/core/observability/logger";
import { createApiApp } from "./app.ts";
import { createApiWorker } from "./worker.ts";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger("api", config.logLevel);
  if (!config.databaseUrl) {
    logger.fatal("DATABASE_URL is not set; `npm start` provides an embedded database, `npm run start -w api` needs one");
    process.exit(2);
  }
  if (usesDevSecret(config)) logger.warn("APP_SECRET is not set: using the development secret (never in production)");
  if (!config.redisUrl) logger.warn("REDIS_URL is not set: rate limits, key revocation and live events are per instance");

  const db = createDb({ url: config.databaseUrl, poolMax: config.databasePoolMax });
  const cache = createCache(config);
  const worker = createApiWorker({ config, db, cache, logger });
  const api = createApiApp({ config, db, cache, logger, onJobsQueued: () => worker.kick() });
  const port = config.port ?? config.ports.api;
  const server = api.app.listen(port, config.host, () => {
    logger.info({ url: `http://${config.host}:${port}`, docs: `${config.apiPublicUrl}/docs` }, "api listening");
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "api stopping");
    server.close();
    server.closeIdleConnections();
    await worker.stop();
    await api.close();
    // With Redis unreachable, quitting would wait for a connection forever.
    await Promise.race([cache.close(), new Promise((r) => setTimeout(r, 2000))]);
    await db.$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
