// The API process: HTTP server, its pools, and (unless API_JOB_WORKER=off) the job worker.
// On SIGTERM: readiness turns 503, requests keep being served for SHUTDOWN_DELAY_MS (load
// balancers notice), then the listener closes, event streams end with a `retry:` hint,
// in-flight requests finish (bounded by API_DRAIN_TIMEOUT_MS), and the pools close.
import type { AppConfig } from "@frontdesk/core/config/env";
import { createDb } from "@frontdesk/core/db/client";
import { createCache } from "@frontdesk/core/cache/index";
import type { Logger } from "@frontdesk/core/observability/logger";
import { registerJobMetrics } from "@frontdesk/core/observability/job-metrics";
import { createMetricsRegistry } from "@frontdesk/core/observability/metrics";
import { createApiApp } from "./app.ts";
import { answerClientErrors } from "./http/client-error.ts";
import { createApiWorker, startRetention } from "./worker.ts";

/** Clients reconnect their event streams after about this long (to another instance). */
const STREAM_RETRY_MS = 1000;

export interface RunningProcess {
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runApiProcess(config: AppConfig, logger: Logger): Promise<RunningProcess> {
  const db = createDb({ url: config.databaseUrl!, poolMax: config.databasePoolMax });
  const cache = createCache(config);
  const metrics = createMetricsRegistry("api");
  const worker = config.apiJobWorker
    ? createApiWorker({ config, db, cache, logger, metrics: registerJobMetrics(metrics, db) })
    : undefined;
  const retention = worker ? startRetention({ config, db, cache, logger }) : undefined;
  const api = createApiApp({ config, db, cache, logger, metrics, onJobsQueued: () => worker?.kick() });
  const port = config.port ?? config.ports.api;
  const server = api.app.listen(port, config.host);
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  logger.info({ url: `http://${config.host}:${port}`, docs: `${config.apiPublicUrl}/docs`, jobWorker: Boolean(worker) }, "api listening");

  return {
    async stop() {
      const { delayMs, apiDrainTimeoutMs } = config.shutdown;
      api.drain.begin();
      if (delayMs > 0) await sleep(delayMs);
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const streams = api.drain.endStreams(STREAM_RETRY_MS);
      logger.info({ streams, inFlight: api.drain.inFlight() }, "api closed its listener; finishing requests");
      const idle = await api.drain.idle(apiDrainTimeoutMs);
      if (!idle) logger.warn({ inFlight: api.drain.inFlight(), timeoutMs: apiDrainTimeoutMs }, "drain timed out; closing open requests");
      server.closeAllConnections();
      await closed;
      await retention?.stop();
      await worker?.stop();
      await api.close();
      // With Redis unreachable, quitting would wait for a connection forever.
      await Promise.race([cache.close(), sleep(2000)]);
      await db.$disconnect();
    },
  };
}
