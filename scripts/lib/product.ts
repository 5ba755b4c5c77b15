// The API (with its job worker) and the realtime relay in one process, sharing one database
// client, one cache and one knowledge engine. Used by `npm start`; production runs the two
// entry points (api/src/main.ts, realtime/src/main.ts) separately.
import { createServer, type Server } from "node:http";
import type { AppConfig } from "@frontdesk/core/config/env";
import { usesDevSecret } from "@frontdesk/core/config/env";
import { createDb } from "@frontdesk/core/db/client";
import { createCache } from "@frontdesk/core/cache/index";
import type { Logger } from "@frontdesk/core/observability/logger";
import { createKnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import { createMetricsRegistry } from "@frontdesk/core/observability/metrics";
import { registerJobMetrics } from "@frontdesk/core/observability/job-metrics";
import { createApiApp } from "@frontdesk/api/app";
import { createApiWorker } from "@frontdesk/api/worker";
import { createRealtimeServer } from "@frontdesk/realtime/server";
import { DEMO, seedDemo } from "../../prisma/seed.ts";
import { ensureDemoWidgetKey, type DemoWidgetKey } from "./widget-demo.ts";

export interface RunningProduct {
  /** The demo business's widget key for the local demo page (null without the demo business). */
  demoWidget: DemoWidgetKey | null;
  stop(): Promise<void>;
}

/** The local widget demo page's origin: the dashboard's host, the demo port. */
export function widgetDemoOrigin(config: AppConfig): string {
  return `http://${new URL(config.dashboardUrl).hostname}:${config.ports.widgetDemo}`;
}

function listen(server: Server, port: number, host: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === "EADDRINUSE" ? `${what}: port ${port} is already in use (set ${what === "API" ? "API_PORT" : "REALTIME_PORT"})` : `${what}: ${err.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
}

export async function startProduct(config: AppConfig, logger: Logger): Promise<RunningProduct> {
  if (!config.databaseUrl) throw new Error("startProduct needs a database URL");
  if (usesDevSecret(config)) logger.warn("APP_SECRET is not set: using the development secret");
  const db = createDb({ url: config.databaseUrl, poolMax: config.databasePoolMax });
  const cache = createCache(config);
  const metrics = createMetricsRegistry("api");
  const worker = createApiWorker({ config, db, cache, logger: logger.child({ service: "api" }), metrics: registerJobMetrics(metrics, db) });
  const kick = () => worker.kick();
  const knowledge = createKnowledgeService({ db, cache, config, logger, onJobsQueued: kick });

  if (await seedDemo({ db, createContent: knowledge.createContent })) logger.info("created the demo business");
  const demoWidget = await ensureDemoWidgetKey(db, DEMO.slug, widgetDemoOrigin(config));

  const api = createApiApp({ config, db, cache, logger: logger.child({ service: "api" }), knowledge, metrics, onJobsQueued: kick });
  const httpServer = createServer(api.app);
  await listen(httpServer, config.ports.api, config.host, "API");

  const relay = createRealtimeServer({ config, db, cache, logger: logger.child({ service: "realtime" }), knowledge });
  await relay.listen(config.ports.realtime, config.host).catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === "EADDRINUSE" ? `realtime: port ${config.ports.realtime} is already in use (set REALTIME_PORT)` : err.message);
  });

  return {
    demoWidget,
    async stop() {
      await relay.close();
      await new Promise<void>((r) => {
        httpServer.close(() => r());
        httpServer.closeAllConnections();
      });
      await worker.stop();
      await api.close();
      await cache.close();
      await db.$disconnect();
    },
  };
}
