// The durable job worker of a process: knowledge indexing, webhook fan-out and delivery,
// post-call analysis. One composition, reused by `npm run start -w api` (in-process by
// default), the worker process (`npm run start -w api -- --worker`) and `npm start`.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { createJobWorker, type JobHandler, type JobWorker } from "@frontdesk/core/jobs/job-queue";
import { knowledgeJobHandlers } from "@frontdesk/core/knowledge/knowledge-jobs";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { deliverOnce, webhookJobHandlers, WEBHOOK_DELIVER_JOB } from "@frontdesk/core/webhooks/webhook-jobs";
import type { JobMetrics } from "@frontdesk/core/observability/job-metrics";
import { analysisJobHandlers } from "@frontdesk/core/calls/analysis/analyse-call-job";

export interface WorkerDeps {
  config: AppConfig;
  db: Db;
  cache: Cache;
  logger: Logger;
  /** Extra or replacement handlers (a test's stand-ins). */
  handlers?: Record<string, JobHandler>;
  pollMs?: number;
  /** Failure counters for /metrics. */
  metrics?: JobMetrics;
}

export function jobHandlers(deps: WorkerDeps): Record<string, JobHandler> {
  const { config, db, cache, logger, metrics } = deps;
  const webhookDeps = { db, logger, allowPrivateTargets: config.webhooks.allowPrivateTargets };
  const webhooks = webhookJobHandlers(webhookDeps);
  if (metrics) {
    // A failed delivery schedules its own retry rather than failing the job: count it here.
    webhooks[WEBHOOK_DELIVER_JOB] = async (job) => {
      const deliveryId = (job.payload as { deliveryId?: unknown } | null)?.deliveryId;
      if (typeof deliveryId !== "string") return webhookJobHandlers(webhookDeps)[WEBHOOK_DELIVER_JOB]!(job);
      const outcome = await deliverOnce(webhookDeps, job.businessId, deliveryId);
      if (outcome === "retrying" || outcome === "failed") metrics.webhookDeliveryFailed(outcome === "failed");
    };
  }
  return {
    ...knowledgeJobHandlers(resolveKnowledgeDeps({ db, cache, config, logger })),
    ...webhooks,
    ...analysisJobHandlers({ db, cache, logger, config }),
    ...deps.handlers,
  };
}

export function createApiWorker(deps: WorkerDeps): JobWorker {
  return createJobWorker({
    db: deps.db,
    logger: deps.logger.child({ component: "jobs" }),
    handlers: jobHandlers(deps),
    pollMs: deps.pollMs,
    onFailure: deps.metrics ? (job, final) => deps.metrics!.jobFailed(job.kind, final) : undefined,
  });
}
