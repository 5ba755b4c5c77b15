-- Indexes Prisma cannot describe in schema.prisma (HNSW on pgvector). The drift check
-- ignores exactly these statements in `prisma migrate diff` output; keep them in migrations.
DROP INDEX "KnowledgeChunk_embedding_idx";
