// The knowledge engine's durable jobs: `knowledge.index` (one per edited document, deduplicated
// by content id, so an edit while queued or running re-arms the same job; or one per group of
// documents from a bulk import or a reindex), `knowledge.purge` (vectors of replaced or
// deleted chunks in a remote store) and `knowledge.graph` (one per business: moves pgvector's
// pending vectors into the HNSW graph, see graph-merge.ts). A provider outage leaves the
// document `pending` with the reason and the job retried with backoff; a request the
// provider rejects outright, or the last attempt, marks it `failed` with the reason. Each
// document indexed is announced to the business's webhooks as `knowledge.indexed`.
import { createHash } from "node:crypto";
import { Prisma, type Job } from "@prisma/client";
import { createJobWorker, type JobHandler } from "../jobs/job-queue.ts";
import { queryRows, type Db } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";
import { indexContents, PURGE_VECTORS_JOB, type IndexOutcome } from "./index-content.ts";
import { GRAPH_MERGE_JOB, mergePendingVectors, type GraphMergeOptions } from "./graph-merge.ts";
import type { KnowledgeDeps } from "./knowledge-deps.ts";
import { newEventId, WEBHOOK_FANOUT_JOB, type NoticeEvent } from "../calls/call-events.ts";

export const INDEX_CONTENT_JOB = "knowledge.index";
export { PURGE_VECTORS_JOB, GRAPH_MERGE_JOB };

export const indexJobKey = (contentId: string) => `${INDEX_CONTENT_JOB}:${contentId}`;

export function knowledgeJobHandlers(deps: KnowledgeDeps & { graphMerge?: GraphMergeOptions }): Record<string, JobHandler> {
  return {
    [INDEX_CONTENT_JOB]: async (job: Job) => {
      const contentIds = payloadContentIds(job);
      try {
        const outcomes = await indexContents(deps, job.businessId, contentIds);
        deps.logger?.debug({ businessId: job.businessId, outcomes: Object.fromEntries(outcomes) }, "knowledge indexed");
        await announceIndexed(deps.db, job.businessId, outcomes);
      } catch (err) {
        const permanent = isPermanentFailure(err);
        const lastAttempt = job.attempts >= job.maxAttempts;
        const reason = describeFailure(err);
        await deps.db.rAGContent.updateMany({
          where: { id: { in: contentIds }, businessId: job.businessId, status: { not: "indexed" } },
          data:
            permanent || lastAttempt
              ? { status: "failed", statusReason: reason }
              : { status: "pending", statusReason: `${reason} (attempt ${job.attempts} of ${job.maxAttempts}; retrying)` },
        });
        // Retrying a rejected request cannot help: the document stays failed until edited or reindexed.
        if (permanent) return;
        throw err;
      }
    },
    [PURGE_VECTORS_JOB]: async (job: Job) => {
      const ids = (job.payload as { ids?: unknown }).ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) throw new Error("purge job without ids");
      await deps.store.delete(job.businessId, ids);
    },
    [GRAPH_MERGE_JOB]: async (job: Job) => {
      const { merged, requeued } = await mergePendingVectors(deps.db, job.businessId, deps.graphMerge);
      deps.logger?.debug({ businessId: job.businessId, merged, requeued }, "pending vectors merged into the HNSW graph");
    },
  };
}

/**
 * Each indexed document's `knowledge.indexed` event, queued for the webhook fan-out in one
 * statement: the same jobs emitNoticeEvent queues one by one, with a Prisma upsert (and its
 * query-engine CPU) per document, 25 documents a job in a bulk import.
 */
async function announceIndexed(db: Db, businessId: string, outcomes: Map<string, IndexOutcome>): Promise<void> {
  const events: NoticeEvent[] = [];
  for (const [contentId, outcome] of outcomes) {
    if (outcome.status !== "indexed") continue;
    events.push({ id: newEventId(), type: "knowledge.indexed", businessId, at: new Date().toISOString(), data: { contentId, chunks: outcome.chunks } });
  }
  if (events.length === 0) return;
  await queryRows(db, Prisma.sql`
    INSERT INTO "Job" ("businessId", kind, payload, "dedupeKey", "updatedAt")
    SELECT ${businessId}, ${WEBHOOK_FANOUT_JOB}, u.payload::jsonb, u.key, now()
    FROM unnest(${events.map((e) => JSON.stringify(e))}::text[], ${events.map((e) => `webhook:${e.id}`)}::text[]) AS u(payload, key)
    ON CONFLICT ("dedupeKey") DO UPDATE
      SET payload = EXCLUDED.payload, status = 'queued', attempts = 0, "runAt" = now(), "lastError" = NULL, "updatedAt" = now()`);
}

/** Documents per job when many are queued at once: one embedding batch and one write each. */
export const INDEX_GROUP_SIZE = 25;

/**
 * Queues the indexing of many documents (a bulk import, a reindex) as jobs of up to
 * INDEX_GROUP_SIZE documents each. A group's dedupe key names its documents, so queueing the
 * same group again re-arms its job instead of adding one. Edits later queue per-document jobs.
 */
export async function enqueueIndexJobs(db: Pick<Db, "$executeRaw">, businessId: string, contentIds: string[]): Promise<void> {
  if (contentIds.length === 0) return;
  const groups: string[][] = [];
  for (let i = 0; i < contentIds.length; i += INDEX_GROUP_SIZE) groups.push(contentIds.slice(i, i + INDEX_GROUP_SIZE));
  const payloads = groups.map((ids) => JSON.stringify({ contentIds: ids }));
  const keys = groups.map((ids) => `${INDEX_CONTENT_JOB}:group:${createHash("sha256").update(ids.join(",")).digest("base64url").slice(0, 22)}`);
  await db.$executeRaw`
    INSERT INTO "Job" ("businessId", kind, payload, status, attempts, "maxAttempts", "runAt", "dedupeKey", "updatedAt")
    SELECT ${businessId}, ${INDEX_CONTENT_JOB}, u.payload::jsonb, 'queued', 0, 10, now(), u.key, now()
    FROM unnest(${payloads}::text[], ${keys}::text[]) AS u(payload, key)
    ON CONFLICT ("dedupeKey") DO UPDATE
      SET payload = EXCLUDED.payload, status = 'queued', attempts = 0, "runAt" = now(), "lastError" = NULL, "updatedAt" = now()`;
}

/**
 * Runs the queued knowledge jobs of the given businesses (or all) in this process until none is
 * due: the reindex command and test fixtures use it; servers run createJobWorker instead.
 */
export async function drainKnowledgeJobs(
  deps: KnowledgeDeps & { logger: Logger; graphMerge?: GraphMergeOptions },
  opts: { businessIds?: string[]; batchSize?: number } = {},
): Promise<number> {
  const worker = createJobWorker({
    db: deps.db,
    handlers: knowledgeJobHandlers(deps),
    logger: deps.logger,
    businessIds: opts.businessIds,
    batchSize: opts.batchSize ?? 8,
    pollMs: 3_600_000,
  });
  try {
    return await worker.drain();
  } finally {
    await worker.stop();
  }
}

/** 4xx other than 408/409/429 means the provider will refuse this request every time. */
function isPermanentFailure(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 && ![408, 409, 429].includes(status);
}

function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, " ").slice(0, 500);
}

function payloadContentIds(job: Job): string[] {
  const payload = job.payload as Prisma.JsonObject | null;
  const ids = payload?.contentIds ?? (payload?.contentId !== undefined ? [payload.contentId] : undefined);
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string")) {
    throw new Error(`${job.kind} job without contentId(s)`);
  }
  return ids as string[];
}
