-- knowledge_nearest_chunks (the halfvec_embeddings migration) without JIT. Its plan is generic
-- (top_k unknown), costed far above jit_above_cost, so each call JIT-compiled it: 60-80 ms a
-- call, measured with auto_explain at 100k chunks, several times the search itself (Postgres
-- CPU per vector search 18.9 ms with JIT, 10.5 ms without).
ALTER FUNCTION knowledge_nearest_chunks(text, text, halfvec, int, int, text, boolean) SET jit = off;
