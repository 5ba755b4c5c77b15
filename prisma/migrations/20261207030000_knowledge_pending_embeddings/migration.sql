-- The growing segment: a new chunk's vector is written to "pendingEmbedding", which no index
-- covers, so writing it costs no HNSW insert (~11 ms of CPU a chunk at 100k chunks with m 32 /
-- ef_construction 128). Searches find pending vectors at once by an exact scan, and the
-- durable job knowledge.graph moves them into "embedding" (the HNSW graph) in the background.
-- A row holds its vector in one column or the other, never both.
-- (adapter-pg splits migration scripts at every semicolon, even in comments and bodies.)
ALTER TABLE "KnowledgeChunk" ADD COLUMN "pendingEmbedding" halfvec(1536);

-- The pending rows of a business, newest first for search and oldest first for the merge.
-- Small: a row leaves it once merged. (Prisma cannot describe a partial index: listed in
-- prisma/unmanaged-indexes.sql.)
CREATE INDEX "KnowledgeChunk_pending_idx" ON "KnowledgeChunk" ("businessId", "createdAt") WHERE "pendingEmbedding" IS NOT NULL;

-- knowledge_nearest_chunks (halfvec_embeddings, then without JIT) with the pending rows: the
-- HNSW top k over "embedding" and the exact top k over the business's pending vectors (same
-- model, category and public-only filters), the nearest top k of both. The exact part reads at
-- most the newest 2,000 pending rows of the business (through the partial index above), so a
-- huge backlog cannot make every search slow: past that, the oldest unmerged chunks are found
-- by full text only until the merge reaches them (it takes the oldest first). Same signature
-- and settings as before (enable_sort = off only prices the two unavoidable small sorts).
CREATE OR REPLACE FUNCTION knowledge_nearest_chunks(p_business_id text, p_model text, p_query halfvec, p_top_k int, p_ef_search int, p_category text, p_public_only boolean)
RETURNS TABLE (id text, distance float8)
LANGUAGE sql
SET enable_sort = off
SET enable_seqscan = off
SET hnsw.iterative_scan = relaxed_order
SET hnsw.scan_mem_multiplier = 8
SET hnsw.max_scan_tuples = 50000
SET jit = off
AS $$
  SELECT m.id, m.distance
  FROM (
    SELECT n.id, n.distance
    FROM (SELECT set_config('hnsw.ef_search', p_ef_search::text, true) AS ef) cfg
    CROSS JOIN LATERAL (
      SELECT k.id, (k.embedding <=> p_query)::float8 AS distance
      FROM "KnowledgeChunk" k
      WHERE k."businessId" = p_business_id
        AND k."embeddingModel" = p_model
        AND k.embedding IS NOT NULL
        AND cfg.ef IS NOT NULL
        AND ((p_category IS NULL AND NOT p_public_only) OR EXISTS (
          SELECT 1 FROM "RAGContent" c
          WHERE c.id = k."contentId" AND c."businessId" = k."businessId"
            AND (p_category IS NULL OR c.category = p_category)
            AND (NOT p_public_only OR c."isPublic")))
      ORDER BY k.embedding <=> p_query
      LIMIT p_top_k
    ) n
    UNION ALL
    SELECT p.id, p.distance
    FROM (
      SELECT s.id, (s."pendingEmbedding" <=> p_query)::float8 AS distance
      FROM (
        SELECT k.id, k."businessId", k."contentId", k."embeddingModel", k."pendingEmbedding"
        FROM "KnowledgeChunk" k
        WHERE k."businessId" = p_business_id AND k."pendingEmbedding" IS NOT NULL
        ORDER BY k."createdAt" DESC
        LIMIT 2000
      ) s
      WHERE s."embeddingModel" = p_model
        AND ((p_category IS NULL AND NOT p_public_only) OR EXISTS (
          SELECT 1 FROM "RAGContent" c
          WHERE c.id = s."contentId" AND c."businessId" = s."businessId"
            AND (p_category IS NULL OR c.category = p_category)
            AND (NOT p_public_only OR c."isPublic")))
      ORDER BY 2
      LIMIT p_top_k
    ) p
  ) m
  ORDER BY m.distance
  LIMIT p_top_k
$$;
