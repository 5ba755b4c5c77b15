// The durable job worker of a process: knowledge indexing, webhook fan-out and delivery,
// post-call analysis. One composition, reused by `npm run start -w api` and the
// single-process `npm start`.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Logger } from "@frontdesk/core/observability/logger";
import { createJobWorker, type JobHandler, type JobWorker } from "@frontdesk/core/jobs/job-queue";
import { knowledgeJobHandlers } from "@frontdesk/core/knowledge/knowledge-jobs";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { webhookJobHandlers } from "@frontdesk/core/webhooks/webhook-jobs";
import { analysisJobHandlers } from "@frontdesk/core/calls/analysis/analyse-call-job";

export interface WorkerDeps {
  config: AppConfig;
  db: Db;
  cache: Cache;
  logger: Logger;
  /** Extra or replacement handlers (a test's stand-ins). */
  handlers?: Record<string, JobHandler>;
  pollMs?: number;
}

export function jobHandlers(deps: WorkerDeps): Record<string, JobHandler> {
  const { config, db, cache, logger } = deps;
  return {
    ...knowledgeJobHandlers(resolveKnowledgeDeps({ db, cache, config, logger })),
    ...webhookJobHandlers({ db, logger, allowPrivateTargets: config.webhooks.allowPrivateTargets }),
    ...analysisJobHandlers({ db, cache, logger, config }),
    ...deps.handlers,
  };
}

export function createApiWorker(deps: WorkerDeps): JobWorker {
  return createJobWorker({ db: deps.db, logger: deps.logger.child({ component: "jobs" }), handlers: jobHandlers(deps), pollMs: deps.pollMs });
}
