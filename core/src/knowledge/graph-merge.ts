// The growing segment of the pgvector store. A new chunk's vector is written to
// KnowledgeChunk."pendingEmbedding", which no index covers: writing it costs no HNSW insert
// (the graph insert is ~11 ms of Postgres CPU a chunk at 100k chunks), and searches find it at
// once by an exact scan (knowledge_nearest_chunks, the knowledge_pending_embeddings
// migration). The durable job `knowledge.graph`, one per business (deduplicated), moves
// pending vectors into "embedding", where the HNSW graph takes them, in small batches.
import { Prisma } from "@prisma/client";
import { enqueueJob, type JobWriter } from "../jobs/job-queue.ts";
import { queryRows, type Db } from "../db/client.ts";

export const GRAPH_MERGE_JOB = "knowledge.graph";

export const graphJobKey = (businessId: string) => `${GRAPH_MERGE_JOB}:${businessId}`;

export interface GraphMergeOptions {
  /** Rows moved per transaction: each costs an HNSW insert, so a batch holds its locks ~0.5 s. */
  batchSize?: number;
  /** A run stops after this long and queues itself again: other jobs of the worker get a turn. */
  budgetMs?: number;
}

/**
 * A CTE body queueing (or re-arming) the business's merge job, for the statement that writes
 * pending vectors: the merge is then as durable as the rows. `when` guards it (rows written).
 * Re-arming a running job leaves it queued when that run ends, so rows written while a merge
 * runs are never left behind.
 */
export function queueGraphMergeSql(businessId: string, when: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "Job" ("businessId", kind, payload, "dedupeKey", "updatedAt")
    SELECT ${businessId}, ${GRAPH_MERGE_JOB}, '{}'::jsonb, ${graphJobKey(businessId)}, now()
    WHERE ${when}
    ON CONFLICT ("dedupeKey") DO UPDATE
      SET status = 'queued', attempts = 0, "runAt" = now(), "lastError" = NULL, "updatedAt" = now()
    RETURNING 1`;
}

export async function enqueueGraphMerge(db: JobWriter, businessId: string): Promise<void> {
  await enqueueJob(db, { businessId, kind: GRAPH_MERGE_JOB, payload: {}, dedupeKey: graphJobKey(businessId) });
}

/**
 * Moves up to `batchSize` of the business's oldest pending vectors into the graph, in one
 * statement (one transaction). Rows locked by another merge or a writer are skipped (SKIP
 * LOCKED); rows deleted or given a new vector meanwhile are re-checked under the lock, so the
 * newest vector is the one moved. Returns how many rows moved. Nearly all its cost is the HNSW
 * insert: without the index the same statement costs ~0.1 ms of Postgres CPU a row (bench:rag),
 * so moving the TOASTed vector between columns is not worth avoiding.
 */
export async function mergePendingBatch(db: Db, businessId: string, batchSize: number): Promise<number> {
  const [row] = await queryRows<{ moved: number }>(db, Prisma.sql`
    WITH durability AS (
      -- Pending vectors stay searchable (exactly) and the job runs again if a crash loses
      -- this commit: it need not wait for its WAL flush.
      SELECT set_config('synchronous_commit', 'off', true)
    ), batch AS (
      SELECT id FROM "KnowledgeChunk"
      WHERE "businessId" = ${businessId} AND "pendingEmbedding" IS NOT NULL
      ORDER BY "createdAt"
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED
    ), moved AS (
      UPDATE "KnowledgeChunk" k SET embedding = k."pendingEmbedding", "pendingEmbedding" = NULL
      WHERE k.id = ANY (ARRAY(SELECT id FROM batch)) AND k."businessId" = ${businessId} AND k."pendingEmbedding" IS NOT NULL
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM durability)::int AS durability`);
  return row?.moved ?? 0;
}

/**
 * One run of the merge job: batches until the business has no pending rows left (that this
 * run can lock) or the time budget is spent; then, if rows remain, queues the job again.
 */
export async function mergePendingVectors(
  db: Db,
  businessId: string,
  opts: GraphMergeOptions = {},
): Promise<{ merged: number; requeued: boolean }> {
  const batchSize = opts.batchSize ?? 48;
  const budgetMs = opts.budgetMs ?? 3_000;
  const started = performance.now();
  let merged = 0;
  for (;;) {
    const moved = await mergePendingBatch(db, businessId, batchSize);
    merged += moved;
    if (moved < batchSize) return { merged, requeued: false };
    if (performance.now() - started >= budgetMs) break;
  }
  await enqueueGraphMerge(db, businessId);
  return { merged, requeued: true };
}
