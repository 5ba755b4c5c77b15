// The job worker as its own process (`npm run start -w api -- --worker`), so jobs scale apart
// from HTTP. Serves only /healthz, /readyz and /metrics on WORKER_PORT (or PORT). On SIGTERM
// it stops claiming jobs, lets running ones finish (bounded by API_DRAIN_TIMEOUT_MS; a job cut
// off is handed out again once stale) and closes its pools.
import type { AppConfig } from "@frontdesk/core/config/env";
import { createDb } from "@frontdesk/core/db/client";
import { createCache } from "@frontdesk/core/cache/index";
import type { Logger } from "@frontdesk/core/observability/logger";
import { registerJobMetrics } from "@frontdesk/core/observability/job-metrics";
import { createMetricsRegistry } from "@frontdesk/core/observability/metrics";
import { createOpsServer } from "@frontdesk/core/observability/ops-server";
import { createApiWorker, startRetention } from "./worker.ts";
import type { RunningProcess } from "./api-process.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runWorkerProcess(config: AppConfig, logger: Logger): Promise<RunningProcess> {
  const db = createDb({ url: config.databaseUrl!, poolMax: config.databasePoolMax });
  const cache = createCache(config);
  const registry = createMetricsRegistry("worker");
  const worker = createApiWorker({ config, db, cache, logger, metrics: registerJobMetrics(registry, db) });
  const retention = startRetention({ config, db, cache, logger });
  let draining = false;
  const server = createOpsServer({
    registry,
    metricsToken: config.metricsToken,
    draining: () => draining,
    checks: {
      database: () => db.$queryRaw`SELECT 1`.then(() => true),
      cache: () => cache.ping(),
    },
  });
  const port = config.port ?? config.ports.worker;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, config.host, () => resolve());
  });
  logger.info({ url: `http://${config.host}:${port}` }, "job worker running (health and metrics on this port)");

  return {
    async stop() {
      draining = true;
      await retention.stop();
      const finished = await Promise.race([worker.stop().then(() => true), sleep(config.shutdown.apiDrainTimeoutMs).then(() => false)]);
      if (!finished) logger.warn({ timeoutMs: config.shutdown.apiDrainTimeoutMs }, "running jobs did not finish in time; they will be retried");
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await Promise.race([cache.close(), sleep(2000)]);
      await db.$disconnect();
    },
  };
}
