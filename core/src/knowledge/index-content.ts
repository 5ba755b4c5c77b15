// Indexes one knowledge document: chunk it, embed the chunks, and swap its chunk rows (and
// vectors) for the new ones in one atomic statement, only if the document is still the
// version that was read. Chunk ids name the content, version and position, so a retried attempt
// writes the same ids (Pinecone upserts stay idempotent).
import { Prisma } from "@prisma/client";
import { enqueueJob, type JobWriter } from "../jobs/job-queue.ts";
import { forBusiness } from "../db/tenant.ts";
import { chunkContent, type ChunkOptions, type ContentChunk } from "./chunking/chunk-content.ts";
import { toVectorParam } from "./stores/vector-store.ts";
import type { KnowledgeDeps } from "./knowledge-deps.ts";

export const PURGE_VECTORS_JOB = "knowledge.purge";

export type IndexOutcome =
  | { status: "indexed"; chunks: number }
  /** The document was deleted before it could be indexed. */
  | { status: "gone" }
  /** The document was edited meanwhile; the newer version's job indexes it. */
  | { status: "superseded" };

export function chunkId(contentId: string, version: number, position: number): string {
  return `chk_${contentId.replace(/^kn_/, "")}_${version}_${position}`;
}

export async function indexContent(
  deps: KnowledgeDeps & { chunking?: ChunkOptions },
  businessId: string,
  contentId: string,
): Promise<IndexOutcome> {
  const { db, embedder, store } = deps;
  const scoped = forBusiness(db, businessId);
  const content = await scoped.rAGContent.findFirst({ where: { id: contentId } });
  if (!content) return { status: "gone" };

  const chunks = chunkContent({ title: content.title, content: content.content }, deps.chunking);
  const vectors = await embedder.embedDocuments(chunks.map((c) => c.text));
  const ids = chunks.map((c) => chunkId(content.id, content.version, c.position));
  if (store.placement === "remote") {
    await store.upsert(
      businessId,
      chunks.map((c, i) => ({
        id: ids[i]!,
        contentId: content.id,
        values: vectors[i]!,
        category: content.category,
        isPublic: content.isPublic,
        model: embedder.id,
      })),
    );
  }

  const outcome = await swapChunks(deps, businessId, content, chunks, ids, store.placement === "row" ? vectors : null);
  // Our upsert lost a race with an edit or a delete: its vectors are orphans now.
  if (outcome.status !== "indexed" && store.placement === "remote") await enqueuePurge(db, businessId, ids);
  return outcome;
}

/**
 * One statement, so one round trip and atomic without a transaction: lock the document if it
 * is still the version we read, delete its old chunk rows, insert the new ones (after the
 * delete: the insert reads its count), mark the document indexed, and for a remote store
 * queue the purge of the replaced vectors.
 */
async function swapChunks(
  deps: KnowledgeDeps,
  businessId: string,
  content: { id: string; version: number },
  chunks: ContentChunk[],
  ids: string[],
  embeddings: Float32Array[] | null,
): Promise<IndexOutcome> {
  const remote = embeddings === null;
  const rows = chunks.map(
    (c, i) => Prisma.sql`(${ids[i]}::text, ${c.position}::int, ${c.text}::text, ${c.tokenCount}::int, ${embeddings ? toVectorParam(embeddings[i]!) : null}::vector)`,
  );
  const [row] = await deps.db.$queryRaw<{ matched: number }[]>`
    WITH durability AS (
      -- Chunks can always be rebuilt from the document, so this commit need not wait for its
      -- WAL flush; the job's "done", committed after it, flushes it (WAL is sequential), and a
      -- crash in between loses nothing but a job that runs again.
      SELECT set_config('synchronous_commit', 'off', true)
    ), cur AS (
      SELECT id FROM "RAGContent"
      WHERE id = ${content.id} AND "businessId" = ${businessId} AND version = ${content.version}
      FOR UPDATE
    ), del AS (
      DELETE FROM "KnowledgeChunk" k USING cur
      WHERE k."contentId" = cur.id AND k."businessId" = ${businessId}
      RETURNING k.id
    ), ins AS (
      INSERT INTO "KnowledgeChunk" (id, "businessId", "contentId", position, text, "tokenCount", "embeddingModel", embedding)
      SELECT u.id, ${businessId}, cur.id, u.position, u.text, u.tokens, ${deps.embedder.id}, u.embedding
      FROM cur, (VALUES ${Prisma.join(rows)}) AS u(id, position, text, tokens, embedding)
      WHERE (SELECT count(*) FROM del) >= 0
      RETURNING 1
    ), upd AS (
      UPDATE "RAGContent" r SET status = 'indexed', "statusReason" = NULL, "indexedAt" = now(), "updatedAt" = now()
      FROM cur WHERE r.id = cur.id
      RETURNING r.id
    ), purge AS (
      INSERT INTO "Job" ("businessId", kind, payload, "updatedAt")
      SELECT ${businessId}, ${PURGE_VECTORS_JOB}, jsonb_build_object('ids', to_jsonb(s.ids)), now()
      FROM (SELECT array_agg(id) AS ids FROM del WHERE NOT (id = ANY(${ids}::text[]))) s
      WHERE ${remote} AND s.ids IS NOT NULL
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM durability)::int AS durability, (SELECT count(*) FROM cur)::int AS matched, (SELECT count(*) FROM ins)::int AS inserted,
           (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM purge)::int AS purges`;
  if (row?.matched) return { status: "indexed", chunks: chunks.length };
  const exists = await deps.db.rAGContent.count({ where: { id: content.id, businessId } });
  return exists ? { status: "superseded" } : { status: "gone" };
}

export async function enqueuePurge(db: JobWriter, businessId: string, ids: string[]): Promise<void> {
  await enqueueJob(db, { businessId, kind: PURGE_VECTORS_JOB, payload: { ids } as Prisma.InputJsonValue });
}
