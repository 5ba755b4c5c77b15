// pgvector: vectors in KnowledgeChunk.embedding (vector(1536), HNSW cosine index), searched
// in the same Postgres as everything else. Every statement is filtered by businessId.
import { Prisma } from "@prisma/client";
import type { Db } from "../../db/client.ts";
import { toVectorParam, type VectorMatch, type VectorQuery, type VectorStore } from "./vector-store.ts";

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
  const efSearch = String(opts.efSearch ?? DEFAULT_EF_SEARCH);
  const exactScanMaxChunks = opts.exactScanMaxChunks ?? 2000;
  const minShareForIndex = opts.minShareForIndex ?? 0.1;
  const exactScanMaxChunksLowShare = opts.exactScanMaxChunksLowShare ?? 20_000;
  const sizes = new Map<string, { chunks: number; share: number; expiresAt: number }>();

  /** A business's chunk count and share of the table, cached a minute: they pick the plan. */
  async function size(businessId: string): Promise<{ chunks: number; share: number }> {
    const cached = sizes.get(businessId);
    if (cached && cached.expiresAt > Date.now()) return cached;
    const [row] = await db.$queryRaw<{ n: number; total: number }[]>`
      SELECT (SELECT count(*)::int FROM "KnowledgeChunk" WHERE "businessId" = ${businessId}) AS n,
             (SELECT greatest(reltuples, 1)::float8 FROM pg_class WHERE oid = '"KnowledgeChunk"'::regclass) AS total`;
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
      const rows = records.map((r) => Prisma.sql`(${r.id}::text, ${toVectorParam(r.values)}::vector, ${r.model}::text)`);
      await db.$executeRaw`
        UPDATE "KnowledgeChunk" k
        SET embedding = v.embedding, "embeddingModel" = v.model
        FROM (VALUES ${Prisma.join(rows)}) AS v(id, embedding, model)
        WHERE k.id = v.id AND k."businessId" = ${businessId}`;
    },

    async delete(businessId, ids) {
      if (ids.length === 0) return;
      await db.$executeRaw`
        UPDATE "KnowledgeChunk" SET embedding = NULL, "embeddingModel" = NULL
        WHERE "businessId" = ${businessId} AND id = ANY(${ids}::text[])`;
    },

    async deleteBusiness(businessId) {
      await db.$executeRaw`
        UPDATE "KnowledgeChunk" SET embedding = NULL, "embeddingModel" = NULL
        WHERE "businessId" = ${businessId} AND embedding IS NOT NULL`;
    },

    async query(businessId, q: VectorQuery): Promise<VectorMatch[]> {
      const vector = toVectorParam(q.vector);
      // Category and public-only live on the document: join it only when filtering by them.
      const filtered = q.category !== undefined || Boolean(q.publicOnly);
      const join = filtered ? Prisma.sql`JOIN "RAGContent" c ON c.id = k."contentId" AND c."businessId" = k."businessId"` : Prisma.empty;
      const where = filtered
        ? Prisma.sql`AND (${q.category ?? null}::text IS NULL OR c.category = ${q.category ?? null}) AND (${Boolean(q.publicOnly)} = false OR c."isPublic")`
        : Prisma.empty;
      const chunks = Prisma.sql`
        FROM "KnowledgeChunk" k ${join}
        WHERE k."businessId" = ${businessId}
          AND k."embeddingModel" = ${q.model}
          AND k.embedding IS NOT NULL ${where}`;
      let rows: { id: string; distance: number }[];
      if (searchExactly(await size(businessId))) {
        // A small business: comparing with every chunk is cheap and exact. Each distance is
        // computed once (in the subquery), and sorting by it keeps the planner off the HNSW
        // index, which would wade through other businesses' vectors.
        rows = await db.$queryRaw<{ id: string; distance: number }[]>`
          SELECT id, distance FROM (SELECT k.id, (k.embedding <=> ${vector}::vector)::float8 AS distance ${chunks}) d
          ORDER BY distance LIMIT ${q.topK}`;
      } else {
        // A large one: the HNSW index. Postgres underestimates what an exact scan costs at 1536
        // dimensions and picks it up to tens of thousands of rows, so sorting is switched off
        // for this transaction. Iterative scanning keeps going past neighbours the filters
        // reject (other businesses, category, public-only) until topK rows are found, with
        // more memory than its default (one work_mem holds only ~700 visited 1536-d vectors).
        [, rows] = await db.$transaction([
          db.$queryRaw`SELECT set_config('hnsw.ef_search', ${efSearch}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true),
                              set_config('hnsw.scan_mem_multiplier', '8', true), set_config('hnsw.max_scan_tuples', '50000', true),
                              set_config('enable_sort', 'off', true), set_config('enable_seqscan', 'off', true)`,
          db.$queryRaw<{ id: string; distance: number }[]>`
            SELECT k.id, (k.embedding <=> ${vector}::vector)::float8 AS distance ${chunks}
            ORDER BY k.embedding <=> ${vector}::vector LIMIT ${q.topK}`,
        ]);
      }
      // relaxed_order can return neighbours slightly out of order: sort the short list.
      return rows.map((r) => ({ id: r.id, score: 1 - r.distance })).sort((a, b) => b.score - a.score);
    },
  };
}
