-- Indexes Prisma cannot describe in schema.prisma (HNSW on pgvector, GIN over a business id
-- and a tsvector through btree_gin). The drift check
-- ignores exactly these statements in `prisma migrate diff` output; keep them in migrations.
DROP INDEX "KnowledgeChunk_embedding_idx";
DROP INDEX "KnowledgeChunk_businessId_tsv_idx";
DROP INDEX "KnowledgeChunk_pending_idx";
