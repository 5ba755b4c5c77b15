-- Embeddings stored as halfvec (16-bit floats): half the bytes in the table and in the HNSW
-- index (3 KB a vector instead of 6 KB, so two index elements to a page instead of one), which
-- halves the pages an HNSW search or insert touches. Cosine over 16-bit components moves a
-- similarity by about 1e-3, far below what separates neighbours (recall: bench:rag-recall).
-- (Storage stays the type's default, out of line: kept inline, the vector pushed the chunk's
-- tsvector out to TOAST instead, and full-text ranking read four times the buffers.)
-- (adapter-pg splits migration scripts at every semicolon, even in comments and bodies.)
DROP INDEX IF EXISTS "KnowledgeChunk_embedding_idx";
ALTER TABLE "KnowledgeChunk" ALTER COLUMN "embedding" TYPE halfvec(1536) USING "embedding"::halfvec(1536);
CREATE INDEX "KnowledgeChunk_embedding_idx" ON "KnowledgeChunk" USING hnsw ("embedding" halfvec_cosine_ops) WITH (m = 32, ef_construction = 128);
-- The HNSW search of a large business in one statement (one round trip instead of BEGIN,
-- settings, query, COMMIT). The planner settings apply while the function runs: without them
-- Postgres prefers an exact scan of the business up to tens of thousands of rows. ef_search
-- varies per call, so it is set in the statement itself: the one-row cfg is the outer side of
-- the lateral join, so set_config runs before the index scan's first fetch reads it (and the
-- setting ends with the transaction). Iterative scanning keeps going past rows the filters
-- reject (other businesses, category, public-only) until top_k rows are found.
CREATE FUNCTION knowledge_nearest_chunks(p_business_id text, p_model text, p_query halfvec, p_top_k int, p_ef_search int, p_category text, p_public_only boolean)
RETURNS TABLE (id text, distance float8)
LANGUAGE sql
SET enable_sort = off
SET enable_seqscan = off
SET hnsw.iterative_scan = relaxed_order
SET hnsw.scan_mem_multiplier = 8
SET hnsw.max_scan_tuples = 50000
AS $$
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
$$;
