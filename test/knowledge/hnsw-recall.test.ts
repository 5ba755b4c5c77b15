// The pgvector store's HNSW path finds what an exact search finds: recall@10 against
// neighbours computed exactly (ties with the 10th count as found), at the default ef_search,
// for clustered synthetic embeddings and for the local lexical embedder. Small scale (a
// business of 600 chunks in the shared test table, so the business and model filters cut
// the index's candidates, as they do in production); bench:rag-recall measures it large.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@prisma/client";
import { randomBytes } from "node:crypto";
import { chunkContent } from "@frontdesk/core/knowledge/chunking/chunk-content";
import { embedText } from "@frontdesk/core/knowledge/embedders/local-embedder";
import { createPgvectorStore } from "@frontdesk/core/knowledge/stores/pgvector-store";
import { toHalfvecParam } from "@frontdesk/core/knowledge/stores/vector-store";
import { asStored, clusteredVectors, exactTopK, recallAt } from "../../bench/rag-vectors.ts";
import { createCorpus } from "../../bench/rag-corpus.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
const CHUNKS = 600;
const QUERIES = 20;
let businessId: string;

afterAll(async () => {
  await db.$disconnect();
});

/** Stores vectors as chunks of one document of the business; returns them with their ids. */
async function store(model: string, vectors: Float32Array[]): Promise<{ id: string; v: Float32Array }[]> {
  const content = await db.rAGContent.create({ data: { businessId, title: model, content: "", status: "indexed" } });
  const tag = randomBytes(4).toString("hex");
  const docs = vectors.map((v, i) => ({ id: `chk_${tag}_${String(i).padStart(5, "0")}`, v }));
  for (let i = 0; i < docs.length; i += 250) {
    const rows = docs.slice(i, i + 250).map((d, j) => Prisma.sql`(${d.id}::text, ${i + j}::int, ${toHalfvecParam(d.v)}::halfvec)`);
    await db.$executeRaw`
      INSERT INTO "KnowledgeChunk" (id, "businessId", "contentId", position, text, "tokenCount", "embeddingModel", embedding)
      SELECT u.id, ${businessId}, ${content.id}, u.position, '', 0, ${model}, u.embedding
      FROM (VALUES ${Prisma.join(rows)}) AS u(id, position, embedding)`;
  }
  return docs;
}

async function recall(model: string, docs: { id: string; v: Float32Array }[], queries: Float32Array[]): Promise<number> {
  // The HNSW path, whatever the business's size.
  const hnsw = createPgvectorStore(db, { exactScanMaxChunks: 0, minShareForIndex: 0 });
  let sum = 0;
  for (const q of queries) sum += recallAt(await hnsw.query(businessId, { vector: q, topK: 10, model }), exactTopK(q, docs, 10), 10);
  return sum / queries.length;
}

beforeAll(async () => {
  businessId = (await createTestBusiness(db)).business.id;
});

describe("HNSW recall@10 at the default ef_search", () => {
  it("clustered synthetic embeddings: at least 0.95", { timeout: 180_000 }, async () => {
    const vectors = clusteredVectors({ count: CHUNKS + QUERIES, clusters: 30, seed: 11 }).map(asStored);
    const model = `recall-clustered-${randomBytes(3).toString("hex")}`;
    const docs = await store(model, vectors.slice(0, CHUNKS));
    const r = await recall(model, docs, vectors.slice(CHUNKS));
    console.log(`hnsw recall@10 (clustered, ${CHUNKS} chunks): ${r.toFixed(3)}`);
    expect(r).toBeGreaterThanOrEqual(0.95);
  });

  it("the local lexical embedder over the benchmark's documents and questions: at least 0.95", { timeout: 180_000 }, async () => {
    const corpus = createCorpus(99);
    const vectors: Float32Array[] = [];
    while (vectors.length < CHUNKS) for (const doc of corpus.documents(50)) for (const c of chunkContent(doc)) if (vectors.length < CHUNKS) vectors.push(asStored(embedText(c.text)));
    const model = `recall-lexical-${randomBytes(3).toString("hex")}`;
    const docs = await store(model, vectors);
    const r = await recall(model, docs, corpus.questions(QUERIES, 5).map((q) => asStored(embedText(q))));
    console.log(`hnsw recall@10 (lexical, ${CHUNKS} chunks): ${r.toFixed(3)}`);
    expect(r).toBeGreaterThanOrEqual(0.95);
  });
});
