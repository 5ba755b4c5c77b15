// `npm run start -w api`: the REST API, with the job worker in-process unless
// API_JOB_WORKER=off. `npm run start -w api -- --worker` (or `npm run worker -w api`): the job
// worker alone, with /healthz, /readyz and /metrics on WORKER_PORT. Both drain on SIGTERM.
import { loadConfig, ConfigError, usesDevSecret, type AppConfig } from "@frontdesk/core/config/env";
import { createLogger } from "@frontdesk/core/observability/logger";
import { startTracing } from "@frontdesk/core/observability/tracing";
import { runApiProcess } from "./api-process.ts";
import { runWorkerProcess } from "./worker-process.ts";

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

async function main() {
  const config = loadConfigOrExit();
  const asWorker = process.argv.includes("--worker");
  const logger = createLogger(asWorker ? "worker" : "api", config.logLevel);
  if (!config.databaseUrl) {
    logger.fatal(`DATABASE_URL is not set; \`npm start\` provides an embedded database, the ${asWorker ? "worker" : "api"} needs one`);
    process.exit(2);
  }
  if (usesDevSecret(config)) logger.warn("APP_SECRET is not set: using the development secret (never in production)");
  if (!config.redisUrl) logger.warn("REDIS_URL is not set: rate limits, key revocation and live events are per instance");
  const tracing = await startTracing(config, asWorker ? "worker" : "api");
  const running = asWorker ? await runWorkerProcess(config, logger) : await runApiProcess(config, logger);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    await running.stop();
    await tracing?.shutdown().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
