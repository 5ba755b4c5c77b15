// pgvector: vectors in KnowledgeChunk.embedding (vector(1536), HNSW cosine index), searched
// in the same Postgres as everything else. Every statement is filtered by businessId.
import { Prisma } from "@prisma/client";
import type { Db } from "../../db/client.ts";
import { toVectorParam, type VectorMatch, type VectorQuery, type VectorStore } from "./vector-store.ts";

export interface PgvectorOptions {
  /** HNSW candidate list size per search; higher is better recall and slower. */
  efSearch?: number;
}

export function createPgvectorStore(db: Db, opts: PgvectorOptions = {}): VectorStore {
  const efSearch = String(opts.efSearch ?? 100);
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
      // Settings local to this transaction: a wider HNSW candidate list, and iterative
      // scanning so a filter (business, category, public) that rejects most neighbours
      // still yields topK rows instead of a short list.
      const [, rows] = await db.$transaction([
        db.$queryRaw`SELECT set_config('hnsw.ef_search', ${efSearch}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
        db.$queryRaw<{ id: string; distance: number }[]>`
          SELECT k.id, (k.embedding <=> ${vector}::vector)::float8 AS distance
          FROM "KnowledgeChunk" k ${join}
          WHERE k."businessId" = ${businessId}
            AND k."embeddingModel" = ${q.model}
            AND k.embedding IS NOT NULL ${where}
          ORDER BY k.embedding <=> ${vector}::vector
          LIMIT ${q.topK}`,
      ]);
      // relaxed_order can return neighbours slightly out of order: sort the short list.
      return rows.map((r) => ({ id: r.id, score: 1 - r.distance })).sort((a, b) => b.score - a.score);
    },
  };
}
