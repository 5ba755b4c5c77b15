// HNSW recall@10 of the pgvector store's real query path against neighbours known exactly
// (computed here, in JS, over the very vectors stored), for two corpora:
//   clustered  synthetic embeddings: unit vectors around 200 random centres, questions drawn
//              from the same clusters (what a semantic embedder's space looks like);
//   lexical    the local embedder over the rag bench's synthetic documents and questions.
// One business holds most chunks, ten noise businesses the rest (the store filters by
// business). A returned chunk counts as found when it is in the exact top 10 or as similar
// as the 10th (ties are not misses). Prints `rag: hnsw recall@10 R at ef_search E` per corpus.
//   RAG_RECALL_CHUNKS   chunks per corpus (default 20000)
//   RAG_RECALL_QUERIES  questions per corpus (default 50)
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { admin, ADMIN_URL, withDb } from "./bench-db.ts";
import { createDb, type Db } from "@frontdesk/core/db/client";
import { chunkContent } from "@frontdesk/core/knowledge/chunking/chunk-content";
import { embedText } from "@frontdesk/core/knowledge/embedders/local-embedder";
import { createPgvectorStore, DEFAULT_EF_SEARCH } from "@frontdesk/core/knowledge/stores/pgvector-store";
import { createCorpus } from "./rag-corpus.ts";
import { asStored, clusteredVectors, exactTopK, recallAt } from "./rag-vectors.ts";

const CHUNKS = Number(process.env.RAG_RECALL_CHUNKS ?? 20_000);
const QUERIES = Number(process.env.RAG_RECALL_QUERIES ?? 50);
const HNSW_INDEX =
  process.env.RAG_RECALL_INDEX ??
  `CREATE INDEX "KnowledgeChunk_embedding_idx" ON "KnowledgeChunk" USING hnsw ("embedding" halfvec_cosine_ops) WITH (m = 32, ef_construction = 128)`;
const EF_SEARCHES = [40, 100, DEFAULT_EF_SEARCH, 400].filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b);


/** Writes chunks with their vectors straight into KnowledgeChunk, spread over businesses. */
async function load(client: pg.Client, corpus: string, vectors: Float32Array[], businesses: string[], mainShare: number): Promise<string[]> {
  const ids: string[] = [];
  const batch = 500;
  for (let i = 0; i < vectors.length; i += batch) {
    const rows = vectors.slice(i, i + batch);
    const owner = rows.map((_, j) => ((i + j) % 100) / 100 < mainShare ? businesses[0]! : businesses[1 + ((i + j) % (businesses.length - 1))]!);
    const contentIds = rows.map((_, j) => `kn_${corpus}_${i + j}`);
    await client.query(
      `INSERT INTO "RAGContent" (id, "businessId", title, content, status, "updatedAt")
       SELECT id, b, id, '', 'indexed', now() FROM unnest($1::text[], $2::text[]) AS u(id, b)`,
      [contentIds, owner],
    );
    const chunkIds = rows.map((_, j) => `chk_${corpus}_${String(i + j).padStart(7, "0")}`);
    await client.query(
      `INSERT INTO "KnowledgeChunk" (id, "businessId", "contentId", position, text, "tokenCount", "embeddingModel", embedding)
       SELECT id, b, c, 0, '', 0, $4, e::halfvec FROM unnest($1::text[], $2::text[], $3::text[], $5::text[]) AS u(id, b, c, e)`,
      [chunkIds, owner, contentIds, `bench-${corpus}`, rows.map((v) => `[${Array.from(v).join(",")}]`)],
    );
    ids.push(...chunkIds);
  }
  return ids;
}

async function measure(db: Db, label: string, model: string, businessId: string, docs: { id: string; v: Float32Array }[], queries: Float32Array[]) {
  const truths = queries.map((q) => exactTopK(q, docs, 10));
  const results: { efSearch: number; recall: number }[] = [];
  for (const efSearch of EF_SEARCHES) {
    // Force the HNSW path (the store searches small businesses exactly).
    const store = createPgvectorStore(db, { efSearch, exactScanMaxChunks: 0, minShareForIndex: 0 });
    let sum = 0;
    // How the misses spread: a few questions finding nothing (their region of the graph not
    // reached) reads differently from many questions missing one or two neighbours.
    const perQuestion = new Map<number, number>();
    for (const [i, q] of queries.entries()) {
      const got = await store.query(businessId, { vector: q, topK: 10, model });
      const r = recallAt(got, truths[i]!, 10);
      sum += r;
      perQuestion.set(r, (perQuestion.get(r) ?? 0) + 1);
    }
    results.push({ efSearch, recall: sum / queries.length });
    const spread = [...perQuestion].sort((a, b) => b[0] - a[0]).map(([r, n]) => `${n}×${r.toFixed(1)}`).join(" ");
    console.log(`  ${label.padEnd(12)} ef_search ${String(efSearch).padStart(4)}   recall@10 ${(sum / queries.length).toFixed(3)}   questions by recall: ${spread}`);
  }
  return results;
}

async function main() {
  const dbName = `frontdesk_bench_recall_${Date.now()}`;
  const url = withDb(ADMIN_URL, dbName);
  console.log(`rag recall bench: ${CHUNKS} chunks per corpus, ${QUERIES} questions; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`);
  await admin(`CREATE DATABASE "${dbName}"`);
  const migrated = spawnSync(process.execPath, ["--import", "tsx", "scripts/prisma.ts", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (migrated.status !== 0) throw new Error(`migrating the bench database failed:\n${migrated.stdout}\n${migrated.stderr}`);
  const db = createDb({ url, poolMax: 4 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const businesses: string[] = [];
    for (let i = 0; i < 11; i++) {
      const { rows } = await client.query<{ id: string }>(`INSERT INTO "Business" (id, name, slug, "updatedAt") VALUES (fd_id('biz'), $1, $2, now()) RETURNING id`, [`B${i}`, `b-${i}-${dbName}`]);
      businesses.push(rows[0]!.id);
    }
    const summary: string[] = [];
    // Load first, then build the graph once (as bench:rag does): far cheaper than per-row inserts.
    await client.query(`DROP INDEX "KnowledgeChunk_embedding_idx"`);

    // Clustered synthetic embeddings.
    const clustered = clusteredVectors({ count: CHUNKS + QUERIES, clusters: 200, seed: 7 }).map(asStored);
    const clusterIds = await load(client, "clustered", clustered.slice(0, CHUNKS), businesses, 0.9);
    // Lexical: the local embedder over the bench corpus, chunked as indexing does.
    const corpus = createCorpus(20261125);
    const lexical: Float32Array[] = [];
    while (lexical.length < CHUNKS) {
      for (const doc of corpus.documents(100)) for (const c of chunkContent(doc)) if (lexical.length < CHUNKS) lexical.push(asStored(embedText(c.text)));
    }
    const lexicalIds = await load(client, "lexical", lexical, businesses, 0.9);
    await client.query(`SET maintenance_work_mem = '1GB'`);
    const built = performance.now();
    await client.query(HNSW_INDEX);
    console.log(`HNSW index built in ${((performance.now() - built) / 1000).toFixed(1)} s (${HNSW_INDEX.replace(/^.*USING /, "")})`);
    await client.query(`VACUUM ANALYZE "KnowledgeChunk"`);
    const mainOf = (ids: string[], vs: Float32Array[]) => ids.flatMap((id, i) => (i % 100 < 90 ? [{ id, v: vs[i]! }] : []));

    console.log("\nrecall@10 of the store's HNSW path against exact neighbours (ties count as found)");
    const runs = [
      ["clustered", "bench-clustered", mainOf(clusterIds, clustered), clustered.slice(CHUNKS)],
      ["lexical", "bench-lexical", mainOf(lexicalIds, lexical), corpus.questions(QUERIES, 3).map((q) => asStored(embedText(q)))],
    ] as const;
    for (const [label, model, docs, queries] of runs) {
      const r = await measure(db, label, model, businesses[0]!, docs, queries);
      const atDefault = r.find((x) => x.efSearch === DEFAULT_EF_SEARCH)!;
      summary.push(`rag: hnsw recall@10 ${atDefault.recall.toFixed(3)} at ef_search ${DEFAULT_EF_SEARCH} (${label}, ${docs.length} chunks of ${CHUNKS})`);
    }
    console.log(`\nload average ${loadavg()[0]!.toFixed(2)} at the end`);
    for (const s of summary) console.log(s);
  } finally {
    await client.end();
    await db.$disconnect();
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

await main();
