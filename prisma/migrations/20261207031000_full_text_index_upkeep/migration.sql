-- Full text at 100k chunks, measured with EXPLAIN (ANALYZE, BUFFERS) on a bench:rag database.
--
-- 1. A short GIN pending list. New rows' words wait in the index's pending list (fastupdate)
-- until it outgrows gin_pending_list_limit (default 4 MB) or a vacuum runs, and every scan of
-- the index reads the whole list, once per word of a question. After 1,300 new chunks a
-- one-word count read 508 buffers of index (2.4 ms) against 59 once vacuumed, and autovacuum
-- comes only after a fifth of the table is new. 256 kB keeps the list to 32 pages.
ALTER INDEX "KnowledgeChunk_businessId_tsv_idx" SET (gin_pending_list_limit = 256);

-- 2. knowledge_text_matches (see the knowledge_text_matches migration) learns when the
-- business is most of the table (p_most_of_table). Matching on the business id inside the GIN
-- index means seeking through the business's posting list, which holds every chunk it has:
-- for a business of 100k chunks, 59 buffers and 0.49 ms for one word of 623 chunks, against
-- 4 buffers and 0.06 ms when the index is asked for the word alone and the few rows of other
-- businesses are dropped as the heap is read (OFFSET 0 keeps Postgres from pushing the
-- business test back into the index). For a small business the index test stays: there the
-- word's rows are mostly other businesses'.
DROP FUNCTION knowledge_text_matches(text, tsquery[], int, int, text, boolean);
CREATE FUNCTION knowledge_text_matches(p_business_id text, p_queries tsquery[], p_per_query int, p_total int, p_category text, p_public_only boolean, p_most_of_table boolean)
RETURNS TABLE (n int, id text)
LANGUAGE sql STABLE
SET enable_seqscan = off
SET jit = off
AS $$
  SELECT q.n::int, m.id
  FROM unnest(p_queries) WITH ORDINALITY AS q(q, n)
  CROSS JOIN LATERAL (
    SELECT w.id
    FROM (
      SELECT k.id, k."businessId", k."contentId" FROM "KnowledgeChunk" k
      WHERE k.tsv @@ q.q AND k."businessId" = p_business_id AND NOT p_most_of_table
      UNION ALL
      SELECT a.id, a."businessId", a."contentId" FROM (
        SELECT k.id, k."businessId", k."contentId" FROM "KnowledgeChunk" k
        WHERE k.tsv @@ q.q AND p_most_of_table
        OFFSET 0
      ) a
      WHERE a."businessId" = p_business_id
    ) w
    WHERE (p_category IS NULL AND NOT p_public_only) OR EXISTS (
      SELECT 1 FROM "RAGContent" c
      WHERE c.id = w."contentId" AND c."businessId" = w."businessId"
        AND (p_category IS NULL OR c.category = p_category)
        AND (NOT p_public_only OR c."isPublic"))
    LIMIT p_per_query
  ) m
  LIMIT p_total
$$;
