-- The chunks of a business matching each of several tsqueries (up to p_per_query each, p_total
-- in all, query by query in order), always through the GIN index on ("businessId", tsv): full
-- text search's word counts and row gathering. Written inline, the planner chose sequential
-- scans for them up to tens of thousands of chunks (it does not count de-TOASTing each row's
-- tsvector to test it): 23,000-120,000 buffers and 50-220 ms a question at 6k chunks, against
-- a few hundred through the index. Sequential scans are off while it runs, and JIT (its
-- generic plan would be costed high enough to compile on every call).
CREATE FUNCTION knowledge_text_matches(p_business_id text, p_queries tsquery[], p_per_query int, p_total int, p_category text, p_public_only boolean)
RETURNS TABLE (n int, id text)
LANGUAGE sql STABLE
SET enable_seqscan = off
SET jit = off
AS $$
  SELECT q.n::int, m.id
  FROM unnest(p_queries) WITH ORDINALITY AS q(q, n)
  CROSS JOIN LATERAL (
    SELECT k.id
    FROM "KnowledgeChunk" k
    WHERE k."businessId" = p_business_id
      AND k.tsv @@ q.q
      AND ((p_category IS NULL AND NOT p_public_only) OR EXISTS (
        SELECT 1 FROM "RAGContent" c
        WHERE c.id = k."contentId" AND c."businessId" = k."businessId"
          AND (p_category IS NULL OR c.category = p_category)
          AND (NOT p_public_only OR c."isPublic")))
    LIMIT p_per_query
  ) m
  LIMIT p_total
$$;
