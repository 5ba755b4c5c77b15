// Indexes knowledge documents: chunk them, embed the chunks, and swap each document's chunk
// rows (and vectors) for the new ones in one atomic statement, only for documents still at
// the version that was read. One call may index many documents (bulk imports and reindexing
// queue them in groups), which costs one embedding batch and one write for the lot. Chunk
// ids name content, version and position, so a retried attempt writes the same ids (Pinecone
// upserts stay idempotent).
import { Prisma } from "@prisma/client";
import { enqueueJob, type JobWriter } from "../jobs/job-queue.ts";
import { forBusiness } from "../db/tenant.ts";
import { queryRows } from "../db/client.ts";
import { chunkContent, type ChunkOptions } from "./chunking/chunk-content.ts";
import { toHalfvecParam } from "./stores/vector-store.ts";
import { queueGraphMergeSql } from "./graph-merge.ts";
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

interface PlannedChunk {
  id: string;
  contentId: string;
  position: number;
  text: string;
  tokenCount: number;
}

export async function indexContent(deps: KnowledgeDeps & { chunking?: ChunkOptions }, businessId: string, contentId: string): Promise<IndexOutcome> {
  return (await indexContents(deps, businessId, [contentId])).get(contentId)!;
}

/** Indexes the given documents of one business; returns each one's outcome. */
export async function indexContents(
  deps: KnowledgeDeps & { chunking?: ChunkOptions },
  businessId: string,
  contentIds: string[],
): Promise<Map<string, IndexOutcome>> {
  const { db, embedder, store } = deps;
  const outcomes = new Map<string, IndexOutcome>(contentIds.map((id) => [id, { status: "gone" }]));
  const contents = await forBusiness(db, businessId).rAGContent.findMany({ where: { id: { in: contentIds } } });
  if (contents.length === 0) return outcomes;

  const planned: PlannedChunk[] = contents.flatMap((content) =>
    chunkContent({ title: content.title, content: content.content }, deps.chunking).map((c) => ({
      id: chunkId(content.id, content.version, c.position),
      contentId: content.id,
      position: c.position,
      text: c.text,
      tokenCount: c.tokenCount,
    })),
  );
  const vectors = await embedder.embedDocuments(planned.map((c) => c.text));
  if (store.placement === "remote") {
    const byId = new Map(contents.map((c) => [c.id, c]));
    await store.upsert(
      businessId,
      planned.map((c, i) => {
        const content = byId.get(c.contentId)!;
        return { id: c.id, contentId: c.contentId, values: vectors[i]!, category: content.category, isPublic: content.isPublic, model: embedder.id };
      }),
    );
  }

  const swapped = await swapChunks(deps, businessId, contents, planned, store.placement === "row" ? vectors : null);
  const orphans: string[] = [];
  for (const content of contents) {
    const chunks = planned.filter((c) => c.contentId === content.id);
    if (swapped.has(content.id)) outcomes.set(content.id, { status: "indexed", chunks: chunks.length });
    else {
      outcomes.set(content.id, { status: "superseded" });
      orphans.push(...chunks.map((c) => c.id));
    }
  }
  if (orphans.length) {
    // Deleted or edited while we worked: tell the two apart, and drop our remote vectors.
    const left = await forBusiness(db, businessId).rAGContent.findMany({ where: { id: { in: contents.map((c) => c.id) } }, select: { id: true } });
    const alive = new Set(left.map((c) => c.id));
    for (const content of contents) if (!swapped.has(content.id) && !alive.has(content.id)) outcomes.set(content.id, { status: "gone" });
    if (store.placement === "remote") await enqueuePurge(db, businessId, orphans);
  }
  return outcomes;
}

/**
 * One statement, so one round trip and atomic without a transaction: lock the documents still
 * at the version we read (in id order, so concurrent batches cannot deadlock), delete their old
 * chunk rows, insert the new ones (after the delete: the insert reads its count), mark them
 * indexed, and for a remote store queue the purge of the replaced vectors. In the pgvector
 * store, new vectors go to "pendingEmbedding" (searchable at once, no HNSW insert) and the
 * business's graph merge job is queued with them (graph-merge.ts). Returns the ids of the
 * documents it swapped.
 */
async function swapChunks(
  deps: KnowledgeDeps,
  businessId: string,
  contents: { id: string; version: number }[],
  chunks: PlannedChunk[],
  vectors: Float32Array[] | null,
): Promise<Set<string>> {
  const remote = vectors === null;
  const wanted = contents.map((c) => Prisma.sql`(${c.id}::text, ${c.version}::int)`);
  const rows = chunks.map(
    (c, i) =>
      Prisma.sql`(${c.id}::text, ${c.contentId}::text, ${c.position}::int, ${c.text}::text, ${c.tokenCount}::int, ${vectors ? toHalfvecParam(vectors[i]!) : null}::halfvec)`,
  );
  const newChunks = rows.length
    ? Prisma.sql`
        INSERT INTO "KnowledgeChunk" (id, "businessId", "contentId", position, text, "tokenCount", "embeddingModel", "pendingEmbedding")
        SELECT u.id, ${businessId}, u.content_id, u.position, u.text, u.tokens, ${deps.embedder.id}, u.embedding
        FROM (VALUES ${Prisma.join(rows)}) AS u(id, content_id, position, text, tokens, embedding)
        JOIN cur ON cur.id = u.content_id
        WHERE (SELECT count(*) FROM del) >= 0
        RETURNING 1`
    : Prisma.sql`SELECT 1 WHERE false`;
  const [result] = await queryRows<{ swapped: string[] | null }>(deps.db, Prisma.sql`
    WITH durability AS (
      -- Chunks can always be rebuilt from their documents, so this commit need not wait for its
      -- WAL flush; the job's "done", committed after it, flushes it (WAL is sequential), and a
      -- crash in between loses nothing but a job that runs again.
      SELECT set_config('synchronous_commit', 'off', true)
    ), cur AS (
      SELECT r.id FROM "RAGContent" r
      JOIN (VALUES ${Prisma.join(wanted)}) AS w(id, version) ON w.id = r.id AND w.version = r.version
      WHERE r."businessId" = ${businessId}
      ORDER BY r.id
      FOR UPDATE OF r
    ), del AS (
      DELETE FROM "KnowledgeChunk" k USING cur
      WHERE k."contentId" = cur.id AND k."businessId" = ${businessId}
      RETURNING k.id
    ), ins AS (${newChunks}
    ), upd AS (
      UPDATE "RAGContent" r SET status = 'indexed', "statusReason" = NULL, "indexedAt" = now(), "updatedAt" = now()
      FROM cur WHERE r.id = cur.id
      RETURNING r.id
    ), purge AS (
      INSERT INTO "Job" ("businessId", kind, payload, "updatedAt")
      SELECT ${businessId}, ${PURGE_VECTORS_JOB}, jsonb_build_object('ids', to_jsonb(s.ids)), now()
      FROM (SELECT array_agg(id) AS ids FROM del WHERE NOT (id = ANY(${chunks.map((c) => c.id)}::text[]))) s
      WHERE ${remote} AND s.ids IS NOT NULL
      RETURNING 1
    ), graph AS (${queueGraphMergeSql(businessId, Prisma.sql`NOT ${remote} AND EXISTS (SELECT 1 FROM ins)`)}
    )
    SELECT (SELECT array_agg(id) FROM upd) AS swapped,
           (SELECT count(*) FROM durability)::int AS durability,
           (SELECT count(*) FROM ins)::int AS inserted,
           (SELECT count(*) FROM purge)::int AS purges,
           (SELECT count(*) FROM graph)::int AS graph`);
  return new Set(result?.swapped ?? []);
}

export async function enqueuePurge(db: JobWriter, businessId: string, ids: string[]): Promise<void> {
  await enqueueJob(db, { businessId, kind: PURGE_VECTORS_JOB, payload: { ids } as Prisma.InputJsonValue });
}
