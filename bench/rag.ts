// `npm run bench:rag`: the knowledge engine at scale, with the local embedder and pgvector.
// Indexes 100k chunks for one business (and 10 small businesses as noise) through the real
// path (bulk import -> durable jobs -> chunk, embed, write), builds the HNSW index, then
// times searches: vector-only, full-text-only and hybrid, p50/p95/p99. New vectors are
// written pending (outside the graph) and merged by the knowledge.graph job: the bench times
// the writes and the merge apart. Runs in its own throwaway database (dropped at the end;
// --keep keeps it). Targets: hybrid p95 <= 20 ms at 100k chunks; ingestion >= 1,000 chunks/s;
// writes with the index present >= 500 chunks/s.
//   RAG_BENCH_CHUNKS   chunks of the main business (default 100000)
//   RAG_BENCH_QUERIES  timed queries per mode (default 300)
//   RAG_BENCH_NOISE_CHUNKS  chunks of each noise business (default 1% of the main one)
//   BENCH_DATABASE_URL an admin connection (default TEST_DATABASE_URL or local postgres)
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { admin, ADMIN_URL, startCpuMeter, withDb } from "./bench-db.ts";
import { createDb, type Db } from "@frontdesk/core/db/client";
import { createMemoryCache } from "@frontdesk/core/cache/memory-cache";
import { createLogger } from "@frontdesk/core/observability/logger";
import { resolveKnowledgeDeps, type KnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { createKnowledgeService, GRAPH_MERGE_JOB, INDEX_CONTENT_JOB, knowledgeJobHandlers } from "@frontdesk/core/knowledge/knowledge-service";
import { createJobWorker } from "@frontdesk/core/jobs/job-queue";
import { createKnowledgeSearch, type SearchMode } from "@frontdesk/core/knowledge/knowledge-search";
import { toHalfvecParam } from "@frontdesk/core/knowledge/stores/vector-store";
import { createPgvectorStore, DEFAULT_EF_SEARCH } from "@frontdesk/core/knowledge/stores/pgvector-store";
import { recallAt } from "./rag-vectors.ts";
import { createCorpus, type Corpus } from "./rag-corpus.ts";

const { values: args } = parseArgs({ options: { keep: { type: "boolean" } } });
const MAIN_CHUNKS = Number(process.env.RAG_BENCH_CHUNKS ?? 100_000);
const NOISE_BUSINESSES = 10;
const NOISE_CHUNKS = Number(process.env.RAG_BENCH_NOISE_CHUNKS ?? Math.max(200, Math.round(MAIN_CHUNKS / 100)));
const QUERIES = Number(process.env.RAG_BENCH_QUERIES ?? 300);
// As the migrations build it (halfvec_embeddings). It covers "embedding" only: new vectors
// wait in "pendingEmbedding" until the knowledge.graph job merges them (graph-merge.ts).
const HNSW_INDEX = `CREATE INDEX "KnowledgeChunk_embedding_idx" ON "KnowledgeChunk" USING hnsw ("embedding" halfvec_cosine_ops) WITH (m = 32, ef_construction = 128)`;
const logger = createLogger("bench-rag", "warn");


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const line = (label: string, value: string) => console.log(`  ${label.padEnd(52)} ${value}`);
const ms = (x: number) => `${x.toFixed(2)} ms`;
const load = () => loadavg()[0]!.toFixed(2);

/** The worker's handler for one knowledge job kind: writes and graph merges are timed apart. */
function worker(deps: KnowledgeDeps & { logger: typeof logger }, db: Db, kind: string, businessIds?: string[], pollMs = 3_600_000, batchSize = 8) {
  return createJobWorker({ db, handlers: { [kind]: knowledgeJobHandlers(deps)[kind]! }, logger, businessIds, batchSize, pollMs });
}

/** Runs the queued jobs of one kind until none is due. */
async function drain(deps: KnowledgeDeps & { logger: typeof logger }, db: Db, kind: string, businessIds?: string[], batchSize = 8) {
  const w = worker(deps, db, kind, businessIds, 3_600_000, batchSize);
  try {
    return await w.drain();
  } finally {
    await w.stop();
  }
}

/** CPU per unit of work, and the rate one free core would sustain at that cost. */
function cpuLine(label: string, cpu: { nodeMs: number; postgresMs: number }, units: number, unit: string) {
  const per = (cpu.nodeMs + cpu.postgresMs) / units;
  line(label, `${(cpu.nodeMs / units).toFixed(3)} ms node + ${(cpu.postgresMs / units).toFixed(3)} ms postgres a ${unit} (${Math.round(1000 / per)} ${unit}s/s per core)`);
  return per;
}

/**
 * Imports documents 500 at a time (the API's limit per request) while a job worker indexes
 * them, as the API process and its worker would; stops importing once the business has about
 * `targetChunks` chunks, then waits for the worker to finish. Indexing only: the chunks'
 * vectors stay pending (their graph merge is timed on its own).
 */
async function ingest(deps: KnowledgeDeps & { logger: typeof logger }, db: Db, businessId: string, corpus: Corpus, targetChunks: number) {
  const indexer = worker(deps, db, INDEX_CONTENT_JOB, [businessId], 20);
  const service = createKnowledgeService({ ...deps, onJobsQueued: () => indexer.kick() });
  let docs = 0;
  let estimated = 0;
  let nextReport = 20_000;
  try {
    while (estimated < targetChunks) {
      // Documents run to 3-5 chunks: ask for about what is still missing.
      const batch = corpus.documents(Math.min(500, Math.max(1, Math.ceil((targetChunks - estimated) / 4))));
      await service.importContents(businessId, batch);
      docs += batch.length;
      // Keep the queue short, as a real API would be throttled by its worker's pace.
      // (Indexing jobs only: each indexed document also queues a webhook fan-out nobody runs here.)
      while ((await db.job.count({ where: { businessId, kind: INDEX_CONTENT_JOB, status: { in: ["queued", "running"] } } })) > 40) await sleep(20);
      const chunks = await db.knowledgeChunk.count({ where: { businessId } });
      estimated = chunks + (docs - (await db.rAGContent.count({ where: { businessId, status: "indexed" } }))) * 4.3;
      if (chunks >= nextReport) {
        process.stdout.write(`    ${chunks} chunks...\n`);
        nextReport += 20_000;
      }
    }
    await drain(deps, db, INDEX_CONTENT_JOB, [businessId]);
  } finally {
    await indexer.stop();
  }
  return { chunks: await db.knowledgeChunk.count({ where: { businessId } }), docs };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timeQueries(label: string, run: (q: string) => Promise<unknown>, queries: string[], cpuOf?: string) {
  const times: number[] = [];
  const cpu = cpuOf ? startCpuMeter(cpuOf) : null;
  for (const q of queries) {
    const t = performance.now();
    await run(q);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const [p50, p95, p99] = [percentile(times, 50), percentile(times, 95), percentile(times, 99)];
  console.log(`  ${label.padEnd(52)} p50 ${ms(p50).padStart(9)}   p95 ${ms(p95).padStart(9)}   p99 ${ms(p99).padStart(9)}   (load ${load()})`);
  if (cpu) cpuLine("  CPU", await cpu.stop(), queries.length, "query");
  return { p50, p95, p99 };
}

/**
 * Whether the searched relations fit Postgres's buffer cache: the HNSW graph is walked page by
 * page, and with the Debian default shared_buffers (128 MB) a 100k-chunk graph (~440 MB) does
 * not: every search then copies pages in from the OS cache, and vector search cost 1.4 times
 * the Postgres CPU it cost at 3 GB (figures in the knowledge README).
 */
async function printMemoryFit(db: Db) {
  const [m] = await db.$queryRaw<{ shared: string; sharedBytes: number; hnsw: number; gin: number; rows: number }[]>`
    SELECT current_setting('shared_buffers') AS shared,
           (SELECT setting::float8 * 8192 FROM pg_settings WHERE name = 'shared_buffers') AS "sharedBytes",
           pg_relation_size('"KnowledgeChunk_embedding_idx"')::float8 AS hnsw,
           pg_relation_size('"KnowledgeChunk_businessId_tsv_idx"')::float8 AS gin,
           pg_table_size('"KnowledgeChunk"')::float8 AS rows`;
  const mb = (x: number) => `${Math.round(x / 2 ** 20)} MB`;
  const fits = m!.hnsw + m!.gin + m!.rows <= m!.sharedBytes;
  line("postgres shared_buffers", `${m!.shared}: HNSW index ${mb(m!.hnsw)}, GIN ${mb(m!.gin)}, chunk rows with TOAST ${mb(m!.rows)}${fits ? " (all fit)" : " (do NOT all fit: vector search reads pages from the OS cache)"}`);
}

async function main() {
  const dbName = `frontdesk_bench_rag_${Date.now()}`;
  const url = withDb(ADMIN_URL, dbName);
  console.log(`rag bench: ${MAIN_CHUNKS} chunks for one business + ${NOISE_BUSINESSES} x ${NOISE_CHUNKS} noise; database ${dbName}`);
  // Figures depend on what else runs: say how busy the machine was.
  console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at start`);
  await admin(`CREATE DATABASE "${dbName}"`);
  const migrated = spawnSync(process.execPath, ["--import", "tsx", "scripts/prisma.ts", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (migrated.status !== 0) throw new Error(`migrating the bench database failed:\n${migrated.stdout}\n${migrated.stderr}`);

  const db = createDb({ url, poolMax: 12 });
  const cache = createMemoryCache("bench:");
  try {
    const deps = { ...resolveKnowledgeDeps({ db, cache }), logger };
    const corpus = createCorpus(20261125);
    const business = (name: string) => db.business.create({ data: { name, slug: `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}` } });

    // Bulk load without the HNSW index, then build it once: far cheaper than 100k inserts
    // into the graph. (Incremental inserts with the index present are measured below.)
    await db.$executeRawUnsafe(`DROP INDEX "KnowledgeChunk_embedding_idx"`);
    console.log("\ningestion (local embedder, pgvector; bulk import -> durable jobs -> chunk + embed + write)");
    const started = performance.now();
    const ingestCpu = startCpuMeter(url);
    const noise: string[] = [];
    for (let i = 0; i < NOISE_BUSINESSES; i++) {
      const b = await business(`Noise ${i}`);
      noise.push(b.id);
      await ingest(deps, db, b.id, corpus, NOISE_CHUNKS);
    }
    const main = await business("Main Street Clinic");
    const mainIngest = await ingest(deps, db, main.id, corpus, MAIN_CHUNKS);
    const ingestSeconds = (performance.now() - started) / 1000;
    const totalChunks = await db.knowledgeChunk.count();
    const ingestRate = totalChunks / ingestSeconds;
    line("chunks written (all businesses)", `${totalChunks} (${mainIngest.chunks} main, ${mainIngest.docs} main documents)`);
    line("ingest time / rate (HNSW deferred)", `${ingestSeconds.toFixed(1)} s / ${Math.round(ingestRate)} chunks/s (load average ${load()})`);
    cpuLine("ingest CPU (HNSW deferred)", await ingestCpu.stop(), totalChunks, "chunk");

    // The ingested vectors are pending: merge them while there is no graph (cheap: no HNSW
    // insert), so the index is built over all of them as before and later figures compare.
    const preMergeStarted = performance.now();
    const preMergeCpu = startCpuMeter(url);
    await drain(deps, db, GRAPH_MERGE_JOB);
    const preMergeSeconds = (performance.now() - preMergeStarted) / 1000;
    line("pending vectors merged, no index yet", `${preMergeSeconds.toFixed(1)} s / ${Math.round(totalChunks / preMergeSeconds)} chunks/s (load average ${load()})`);
    cpuLine("merge CPU without the index", await preMergeCpu.stop(), totalChunks, "chunk");

    const buildStarted = performance.now();
    const session = new pg.Client({ connectionString: url });
    await session.connect();
    try {
      // The whole graph in memory (else the build spills and crawls); one helper per spare core.
      await session.query(`SET maintenance_work_mem = '2GB'`);
      await session.query(`SET max_parallel_maintenance_workers = 1`);
      await session.query(HNSW_INDEX);
    } finally {
      await session.end();
    }
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    line("HNSW build (m=32, ef_construction=128)", `${buildSeconds.toFixed(1)} s`);
    line("ingest incl. merge and HNSW build", `${Math.round(totalChunks / (ingestSeconds + preMergeSeconds + buildSeconds))} chunks/s`);
    await db.$executeRawUnsafe(`VACUUM ANALYZE "KnowledgeChunk"`);
    await db.$executeRawUnsafe(`VACUUM ANALYZE "RAGContent"`);
    await printMemoryFit(db);

    // New documents arriving once the index exists. Their vectors are written pending (no HNSW
    // insert) and searchable at once: that is the write rate. The knowledge.graph job then
    // moves them into the graph, timed on its own (its cost is the HNSW insert).
    const incStarted = performance.now();
    const incCpu = startCpuMeter(url);
    const before = await db.knowledgeChunk.count({ where: { businessId: main.id } });
    await createKnowledgeService(deps).importContents(main.id, corpus.documents(300));
    await drain(deps, db, INDEX_CONTENT_JOB, [main.id], 16);
    const added = (await db.knowledgeChunk.count({ where: { businessId: main.id } })) - before;
    const incRate = added / ((performance.now() - incStarted) / 1000);
    line("incremental writes, HNSW present (searchable at once)", `${added} chunks, ${Math.round(incRate)} chunks/s (load average ${load()})`);
    cpuLine("incremental write CPU", await incCpu.stop(), added, "chunk");
    const mainChunks = before + added;

    const queries = corpus.questions(QUERIES);
    // Each mode gets its own search (so its own word-frequency and query-embedding caches),
    // warmed on other questions: timed questions are new to every mode alike.
    const run = (mode: SearchMode, businessId: string) => {
      const search = createKnowledgeSearch({ ...deps, cache: createMemoryCache(`bench:${mode}:`) });
      return (query: string) => search.searchWith(mode, { businessId, query, limit: 5 });
    };
    const warm = async (f: (q: string) => Promise<unknown>) => {
      for (const q of corpus.questions(60, 7)) await f(q);
      return f;
    };

    // Searches while those chunks wait for the merge (each also scans them exactly).
    const pendingRows = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "KnowledgeChunk" WHERE "businessId" = ${main.id} AND "pendingEmbedding" IS NOT NULL`;
    console.log(`\nsearch latency with ${pendingRows[0]!.n} vectors pending (100 questions each)`);
    const backlogVector = await timeQueries("vector only, backlog pending", await warm(run("vector", main.id)), queries.slice(0, 100), url);
    const backlogHybrid = await timeQueries("hybrid, backlog pending", await warm(run("hybrid", main.id)), queries.slice(0, 100), url);

    const mergeStarted = performance.now();
    const mergeCpu = startCpuMeter(url);
    await drain(deps, db, GRAPH_MERGE_JOB, [main.id]);
    const mergeRate = added / ((performance.now() - mergeStarted) / 1000);
    line("graph merge of those chunks (HNSW inserts)", `${Math.round(mergeRate)} chunks/s (load average ${load()})`);
    const mergePerChunk = cpuLine("graph merge CPU", await mergeCpu.stop(), added, "chunk");

    console.log(`\nsearch latency, one business of ${mainChunks} chunks (${QUERIES} questions each, top 5, sequential)`);
    await timeQueries(`vector only (embed + HNSW, ef_search ${DEFAULT_EF_SEARCH})`, await warm(run("vector", main.id)), queries, url);
    await timeQueries("full text only (IDF-weighted)", await warm(run("text", main.id)), queries, url);
    const hybrid = await timeQueries("hybrid (vector + full text, RRF)", await warm(run("hybrid", main.id)), queries, url);
    await timeQueries(`hybrid, a noise business (${NOISE_CHUNKS} chunks, exact scan)`, await warm(run("hybrid", noise[0]!)), queries.slice(0, 100));

    // Tuning hnsw.ef_search: latency against how much the approximation loses (top 10 of the
    // HNSW scan against an exact scan of the business, on 20 questions; a chunk as similar as
    // the exact 10th counts as found: near-ties are not misses).
    console.log("\nhnsw.ef_search (vector only; recall@10 against an exact scan of the business)");
    const sample = queries.slice(0, 20);
    const exact = new Map<string, { id: string; score: number }[]>();
    for (const q of sample) {
      const v = toHalfvecParam(await deps.embedder.embedQuery(q));
      const rows = await db.$queryRaw<{ id: string; distance: number }[]>`
        SELECT id, (embedding <=> ${v}::halfvec)::float8 AS distance FROM "KnowledgeChunk"
        WHERE "businessId" = ${main.id} AND embedding IS NOT NULL
        ORDER BY (embedding <=> ${v}::halfvec) + 0 LIMIT 10`;
      exact.set(q, rows.map((r) => ({ id: r.id, score: 1 - r.distance })));
    }
    const recalls = new Map<number, number>();
    for (const efSearch of [...new Set([40, 100, DEFAULT_EF_SEARCH, 400])].sort((a, b) => a - b)) {
      const store = createPgvectorStore(db, { efSearch });
      let found = 0;
      for (const q of sample) {
        const matches = await store.query(main.id, { vector: await deps.embedder.embedQuery(q), topK: 10, model: deps.embedder.id });
        found += recallAt(matches, exact.get(q)!, 10);
      }
      recalls.set(efSearch, found / sample.length);
      const efRun = createKnowledgeSearch({ ...deps, store, cache: createMemoryCache(`bench:ef${efSearch}:`) });
      await timeQueries(`ef_search ${efSearch}`, await warm((query) => efRun.searchWith("vector", { businessId: main.id, query, limit: 5 })), queries.slice(0, 100));
      line(`  recall@10`, (found / sample.length).toFixed(3));
    }

    console.log(`\nmachine load average ${loadavg()[0]!.toFixed(2)} at the end`);
    console.log(`\nrag: hybrid p95 ${hybrid.p95.toFixed(1)} ms at ${mainChunks} chunks; ingest ${Math.round(ingestRate)} chunks/s; load average ${load()}`);
    console.log(`rag: incremental ingest with the HNSW index ${Math.round(incRate)} chunks/s; load average ${load()}`);
    console.log(`rag: graph merge ${Math.round(mergeRate)} chunks/s at ${mergePerChunk.toFixed(2)} ms CPU a chunk; with ${pendingRows[0]!.n} pending vector p95 ${backlogVector.p95.toFixed(1)} ms, hybrid p95 ${backlogHybrid.p95.toFixed(1)} ms; load average ${load()}`);
    console.log(`rag: hnsw recall@10 ${recalls.get(DEFAULT_EF_SEARCH)!.toFixed(3)} at ef_search ${DEFAULT_EF_SEARCH} (local embedder; clustered embeddings: npm run bench:rag-recall)`);
  } finally {
    await cache.close();
    await db.$disconnect();
    if (!args.keep) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

await main();
