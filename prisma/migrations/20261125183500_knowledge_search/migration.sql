-- Search structures Prisma cannot express: the full-text vector as a generated column (so
-- raw and Prisma writers both get it) and an HNSW index for cosine search. The GIN index
-- over tsv is declared in schema.prisma.
-- (adapter-pg splits migration scripts at every semicolon, even in comments and bodies,
-- so no plpgsql functions here.)
ALTER TABLE "KnowledgeChunk" DROP COLUMN "tsv";
ALTER TABLE "KnowledgeChunk" ADD COLUMN "tsv" tsvector GENERATED ALWAYS AS (to_tsvector('english', "text")) STORED;
CREATE INDEX "KnowledgeChunk_tsv_idx" ON "KnowledgeChunk" USING gin ("tsv");
CREATE INDEX "KnowledgeChunk_embedding_idx" ON "KnowledgeChunk" USING hnsw ("embedding" vector_cosine_ops);
