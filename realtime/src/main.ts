// `npm run start -w realtime`: the relay alone, configured from the environment.
import { ConfigError, loadConfig, usesDevSecret } from "@frontdesk/core/config/env";
import { createDb } from "@frontdesk/core/db/client";
import { createCache } from "@frontdesk/core/cache/index";
import { createLogger } from "@frontdesk/core/observability/logger";
import { startTracing } from "@frontdesk/core/observability/tracing";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { createRealtimeServer } from "./server.ts";

async function main() {
  let config;
  try {
    config = loadConfig();
    if (!config.databaseUrl) throw new ConfigError(["DATABASE_URL is required to run the relay on its own (npm start runs an embedded database)"]);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger("realtime", config.logLevel);
  if (usesDevSecret(config)) logger.warn("APP_SECRET is not set: stream tokens are signed with the development secret");
  if (!config.openai.apiKey) logger.warn("OPENAI_API_KEY is not set: callers will hear that the assistant is not configured");
  const tracing = await startTracing(config, "realtime");
  const db = createDb({ url: config.databaseUrl, poolMax: config.databasePoolMax });
  const cache = createCache(config);
  const relay = createRealtimeServer({ config, db, cache, logger, knowledge: createKnowledgeSearch({ db, cache, config, logger }) });
  const { port } = await relay.listen(config.port ?? config.ports.realtime, config.host);
  logger.info({ port, publicBaseUrl: config.publicBaseUrl }, `relay listening on http://${config.host}:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, liveCalls: relay.liveCalls }, "draining: refusing new calls, letting live calls finish");
    await relay.drain();
    await relay.close();
    await Promise.allSettled([db.$disconnect(), cache.close(), tracing?.shutdown()]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
