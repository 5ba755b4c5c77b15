// pgvector: vectors in KnowledgeChunk.embedding (halfvec(1536), HNSW cosine index), searched
// in the same Postgres as everything else. Every statement is filtered by businessId. New
// vectors are written to "pendingEmbedding" first (no index: no graph insert on the write path)
// and moved into the graph by the knowledge.graph job (see graph-merge.ts); searches read both.
import { Prisma } from "@prisma/client";
import { queryRows, type Db } from "../../db/client.ts";
import { queueGraphMergeSql } from "../graph-merge.ts";
import { toHalfvecParam, type VectorMatch, type VectorQuery, type VectorStore } from "./vector-store.ts";

export interface PgvectorOptions {
  /** HNSW candidate list size per search; higher is better recall and slower. */
  efSearch?: number;
  /** Businesses with at most this many chunks are searched exactly (no index). */
  exactScanMaxChunks?: number;
  /**
   * Below this share of all chunks, a business is searched exactly too (up to
   * `exactScanMaxChunksLowShare` chunks): the shared HNSW graph would make it wade through
   * mostly other businesses' vectors, where pgvector's iterative scan runs out of budget.
   */
  minShareForIndex?: number;
  exactScanMaxChunksLowShare?: number;
}

/** hnsw.ef_search unless told otherwise. */
export const DEFAULT_EF_SEARCH = 200;

export function createPgvectorStore(db: Db, opts: PgvectorOptions = {}): VectorStore {
  const efSearch = opts.efSearch ?? DEFAULT_EF_SEARCH;
  const exactScanMaxChunks = opts.exactScanMaxChunks ?? 2000;
  const minShareForIndex = opts.minShareForIndex ?? 0.1;
  const exactScanMaxChunksLowShare = opts.exactScanMaxChunksLowShare ?? 20_000;
  const sizes = new Map<string, { chunks: number; share: number; expiresAt: number }>();

  /** A business's chunk count and share of the table, cached a minute: they pick the plan. */
  async function size(businessId: string): Promise<{ chunks: number; share: number }> {
    const cached = sizes.get(businessId);
    if (cached && cached.expiresAt > Date.now()) return cached;
    const [row] = await queryRows<{ n: number; total: number }>(db, Prisma.sql`
      SELECT (SELECT count(*)::int FROM "KnowledgeChunk" WHERE "businessId" = ${businessId}) AS n,
             (SELECT greatest(reltuples, 1)::float8 FROM pg_class WHERE oid = '"KnowledgeChunk"'::regclass) AS total`);
    const chunks = row?.n ?? 0;
    const entry = { chunks, share: chunks / Math.max(chunks, row?.total ?? 1), expiresAt: Date.now() + 60_000 };
    if (sizes.size > 10_000) sizes.clear();
    sizes.set(businessId, entry);
    return entry;
  }

  function searchExactly({ chunks, share }: { chunks: number; share: number }): boolean {
    return chunks <= exactScanMaxChunks || (share < minShareForIndex && chunks <= exactScanMaxChunksLowShare);
  }

  return {
    kind: "pgvector",
    placement: "row",

    async upsert(businessId, records) {
      if (records.length === 0) return;
      // Pending, like the indexer's writes; the merge job is queued in the same statement.
      const rows = records.map((r) => Prisma.sql`(${r.id}::text, ${toHalfvecParam(r.values)}::halfvec, ${r.model}::text)`);
      await queryRows(db, Prisma.sql`
        WITH upd AS (
          UPDATE "KnowledgeChunk" k
          SET "pendingEmbedding" = v.embedding, embedding = NULL, "embeddingModel" = v.model
          FROM (VALUES ${Prisma.join(rows)}) AS v(id, embedding, model)
          WHERE k.id = v.id AND k."businessId" = ${businessId}
          RETURNING 1
        ), graph AS (${queueGraphMergeSql(businessId, Prisma.sql`EXISTS (SELECT 1 FROM upd)`)})
        SELECT (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM graph)::int AS queued`);
    },

    async delete(businessId, ids) {
      if (ids.length === 0) return;
      await db.$executeRaw`
        UPDATE "KnowledgeChunk" SET embedding = NULL, "pendingEmbedding" = NULL, "embeddingModel" = NULL
        WHERE "businessId" = ${businessId} AND id = ANY(${ids}::text[])`;
    },

    async deleteBusiness(businessId) {
      await db.$executeRaw`
        UPDATE "KnowledgeChunk" SET embedding = NULL, "pendingEmbedding" = NULL, "embeddingModel" = NULL
        WHERE "businessId" = ${businessId} AND (embedding IS NOT NULL OR "pendingEmbedding" IS NOT NULL)`;
    },

    async query(businessId, q: VectorQuery): Promise<VectorMatch[]> {
      const vector = toHalfvecParam(q.vector);
      const category = q.category ?? null;
      const publicOnly = Boolean(q.publicOnly);
      let rows: { id: string; distance: number }[];
      if (searchExactly(await size(businessId))) {
        // A small business: comparing with every chunk is cheap and exact, merged into the
        // graph or still pending alike. Each distance is computed once (in the subquery), and
        // sorting by it keeps the planner off the HNSW index, which would wade through other
        // businesses' vectors. Category and public-only live on the document: join it only
        // when filtering by them.
        const filtered = category !== null || publicOnly;
        const join = filtered ? Prisma.sql`JOIN "RAGContent" c ON c.id = k."contentId" AND c."businessId" = k."businessId"` : Prisma.empty;
        const where = filtered ? Prisma.sql`AND (${category}::text IS NULL OR c.category = ${category}) AND (${publicOnly} = false OR c."isPublic")` : Prisma.empty;
        rows = await queryRows<{ id: string; distance: number }>(db, Prisma.sql`
          SELECT id, distance FROM (
            SELECT k.id, (coalesce(k.embedding, k."pendingEmbedding") <=> ${vector}::halfvec)::float8 AS distance
            FROM "KnowledgeChunk" k ${join}
            WHERE k."businessId" = ${businessId} AND k."embeddingModel" = ${q.model}
              AND (k.embedding IS NOT NULL OR k."pendingEmbedding" IS NOT NULL) ${where}) d
          ORDER BY distance LIMIT ${q.topK}`);
      } else {
        // A large one: the HNSW index, in one statement (knowledge_nearest_chunks, see the
        // halfvec_embeddings migration): with sorting and sequential scans off while it runs
        // (Postgres underestimates an exact scan at 1536 dimensions and would pick it up to
        // tens of thousands of rows) and iterative scanning past neighbours the filters reject
        // (other businesses, category, public-only), with more memory than its default; plus
        // an exact scan of the business's newest pending vectors (knowledge_pending_embeddings).
        rows = await queryRows<{ id: string; distance: number }>(db, Prisma.sql`
          SELECT id, distance FROM knowledge_nearest_chunks(${businessId}::text, ${q.model}::text, ${vector}::halfvec, ${q.topK}::int, ${efSearch}::int, ${category}::text, ${publicOnly}::boolean)`);
      }
      // relaxed_order can return neighbours slightly out of order: sort the short list.
      return rows.map((r) => ({ id: r.id, score: 1 - r.distance })).sort((a, b) => b.score - a.score);
    },
  };
}
