// The durable job worker of a process: knowledge indexing, webhook fan-out and delivery,
// post-call analysis, billing (grace periods, call minutes metered to Stripe). One composition, reused by `npm run start -w api` (in-process by
// default), the worker process (`npm run start -w api -- --worker`) and `npm start`.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { createJobWorker, type JobHandler, type JobWorker } from "@frontdesk/core/jobs/job-queue";
import { knowledgeJobHandlers } from "@frontdesk/core/knowledge/knowledge-jobs";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { deliverOnce, webhookJobHandlers, WEBHOOK_DELIVER_JOB } from "@frontdesk/core/webhooks/webhook-jobs";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { scheduleRetention } from "@frontdesk/core/jobs/retention";
import { createTwilioRecordings } from "@frontdesk/core/telephony/twilio-recordings";
import type { JobMetrics } from "@frontdesk/core/observability/job-metrics";
import { analysisJobHandlers } from "@frontdesk/core/calls/analysis/analyse-call-job";
import { gracePeriodJobHandlers } from "@frontdesk/core/billing/billing-jobs";
import { meterJobHandlers } from "@frontdesk/core/billing/report-call-usage";
import { createStripe } from "@frontdesk/core/billing/stripe-client";

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
    ...gracePeriodJobHandlers({ db, cache, logger, policy: config.billing }),
    // The queue, not the SDK, retries meter events (backoff over hours; see record-call-usage.ts).
    ...meterJobHandlers({ db, logger, stripe: config.stripe ? { client: createStripe(config.stripe, { maxNetworkRetries: 0 }), config: config.stripe } : undefined }),
    ...deps.handlers,
  };
}

/** Each job in a span of its own when tracing is on (a no-op tracer otherwise). */
function traced(handlers: Record<string, JobHandler>): Record<string, JobHandler> {
  const tracer = trace.getTracer("frontdesk-worker");
  return Object.fromEntries(
    Object.entries(handlers).map(([kind, handle]) => [
      kind,
      (job) =>
        tracer.startActiveSpan(`job ${kind}`, { attributes: { "frontdesk.job_id": job.id, "frontdesk.business_id": job.businessId, "frontdesk.attempt": job.attempts } }, async (span) => {
          try {
            await handle(job);
          } catch (err) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
            throw err;
          } finally {
            span.end();
          }
        }),
    ]),
  );
}

/** The hourly retention pass (expired rows, finished jobs, purges after the grace period) of a worker. */
export function startRetention(deps: Pick<WorkerDeps, "config" | "db" | "cache" | "logger">): { stop(): Promise<void> } {
  const { store } = resolveKnowledgeDeps({ db: deps.db, cache: deps.cache, config: deps.config, logger: deps.logger });
  return scheduleRetention({
    db: deps.db,
    cache: deps.cache,
    store,
    logger: deps.logger.child({ component: "retention" }),
    policy: { deletedBusinessGraceMs: deps.config.deletedBusinessGraceMs },
    recordings: createTwilioRecordings(deps.config),
  });
}

export function createApiWorker(deps: WorkerDeps): JobWorker {
  const handlers = jobHandlers(deps);
  return createJobWorker({
    db: deps.db,
    logger: deps.logger.child({ component: "jobs" }),
    handlers: deps.config.otel.endpoint ? traced(handlers) : handlers,
    pollMs: deps.pollMs,
    onFailure: deps.metrics ? (job, final) => deps.metrics!.jobFailed(job.kind, final) : undefined,
  });
}
