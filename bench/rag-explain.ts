// `npm run bench:rag-explain -- --db <database>`: what the knowledge search's statements cost
// inside Postgres, from EXPLAIN (ANALYZE, BUFFERS), on a database `bench:rag --keep` left
// behind. Wall-clock percentiles on a shared machine move with its load; planning and
// execution time and buffers touched per statement move far less, so they show what a
// change to the SQL bought. Runs the search's full-text ranking and vector ranking for the
// largest business on the bench's questions and prints, per statement, the median and p95 of
// planning ms, execution ms and shared buffers (hit + read).
//   --db NAME       the kept bench database (required)
//   --queries N     questions (default 100)
//   --show          print the first question's plans in full
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import pg from "pg";
import { Prisma } from "@prisma/client";
import { ADMIN_URL, withDb } from "./bench-db.ts";
import { createDb, type Db } from "@frontdesk/core/db/client";
import { createTermStats } from "@frontdesk/core/knowledge/term-stats";
import { fullTextRanking } from "@frontdesk/core/knowledge/full-text-ranking";
import { createLocalEmbedder } from "@frontdesk/core/knowledge/embedders/local-embedder";
import { toHalfvecParam, toVectorParam } from "@frontdesk/core/knowledge/stores/vector-store";
import { createCorpus } from "./rag-corpus.ts";
import { fromHalf } from "./rag-vectors.ts";

const { values: args } = parseArgs({ options: { db: { type: "string" }, queries: { type: "string" }, show: { type: "boolean" } } });
if (!args.db) throw new Error("usage: npm run bench:rag-explain -- --db <database kept by bench:rag --keep>");
const url = withDb(ADMIN_URL, args.db);
const QUERIES = Number(args.queries ?? 100);

interface Explained {
  planningMs: number;
  executionMs: number;
  buffers: number;
}
const byStatement = new Map<string, Explained[]>();
let show = Boolean(args.show);

/** A vector parameter in pgvector's binary format (see toVectorParam) as its text form. */
function vectorText(buf: Buffer): string {
  const n = buf.readInt16BE(0);
  const xs: number[] = [];
  // vector: 4 bytes a component, halfvec: 2 (sent as float4 text, Postgres rounds alike).
  if (buf.length === 4 + n * 4) for (let i = 0; i < n; i++) xs.push(buf.readFloatBE(4 + i * 4));
  else for (let i = 0; i < n; i++) xs.push(fromHalf(buf.readUInt16BE(4 + i * 2)));
  return `[${xs.join(",")}]`;
}

/** Runs one statement under EXPLAIN (ANALYZE, BUFFERS) in `client` and records its figures. */
async function explain(client: pg.Client, label: string, sql: Prisma.Sql, setup: string[] = []) {
  const values = sql.values.map((v) => (Buffer.isBuffer(v) ? vectorText(v) : v));
  await client.query("BEGIN");
  try {
    for (const s of setup) await client.query(s);
    const { rows } = await client.query({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`, values });
    const plan = rows[0]["QUERY PLAN"][0];
    const node = plan.Plan;
    const buffers = (node["Shared Hit Blocks"] ?? 0) + (node["Shared Read Blocks"] ?? 0);
    if (!byStatement.has(label)) byStatement.set(label, []);
    byStatement.get(label)!.push({ planningMs: plan["Planning Time"], executionMs: plan["Execution Time"], buffers });
    if (show) {
      const text = await client.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, values });
      console.log(`\n--- ${label}\n${text.rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
    }
  } finally {
    await client.query("ROLLBACK");
  }
}

/** The Prisma client with every $queryRaw also explained (label: the statement's first words). */
function explaining(db: Db, client: pg.Client, pending: Promise<void>[]): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "$queryRaw") return Reflect.get(target, prop, receiver);
      // Called as a tag, or with a Prisma.Sql (queryRows falls back to that for this proxy).
      return (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
        const sql = "values" in strings && "text" in strings ? strings : Prisma.sql(strings, ...values);
        const label = labelOf(sql.text);
        pending.push(explain(client, label, sql));
        return target.$queryRaw(sql);
      };
    },
  });
}

function labelOf(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.includes("unnest(to_tsvector")) return "full text: query lexemes";
  if (t.includes("count(*)::int AS df")) return "full text: word counts (uncached words)";
  if (t.includes("most_common_elems")) return "full text: planner word shares";
  if (t.includes("reltuples")) return "business size";
  if (t.includes(".tsv @@ c.q")) return "full text: gather + score common words";
  if (t.includes("sum(t.w)")) return "full text: gather (rare words only)";
  if (t.includes("0::float8 AS score")) return "full text: all-common tiers";
  return t.slice(0, 60);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const db = createDb({ url, poolMax: 4 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [{ businessId, chunks }] = (await client.query(`SELECT "businessId" AS "businessId", count(*)::int AS chunks FROM "KnowledgeChunk" GROUP BY 1 ORDER BY 2 DESC LIMIT 1`)).rows;
    console.log(`rag explain: ${args.db}, business ${businessId} (${chunks} chunks), ${QUERIES} questions; load average ${loadavg()[0]!.toFixed(2)}`);
    const corpus = createCorpus(20261125);
    const pending: Promise<void>[] = [];
    const traced = explaining(db, client, pending);
    const termStats = createTermStats(traced);
    // Warm the word-frequency cache as the bench does, then explain the timed questions.
    for (const q of corpus.questions(60, 7)) await fullTextRanking(db, termStats, { businessId, query: q, category: undefined, publicOnly: false, limit: 20 });
    await Promise.all(pending.splice(0));
    byStatement.clear();
    const embedder = createLocalEmbedder();
    // (While bench:rag still builds the HNSW index, only full text can be explained.)
    const hnsw = (await client.query(`SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('"KnowledgeChunk_embedding_idx"') AND indisvalid`)).rowCount === 1;
    for (const q of corpus.questions(QUERIES)) {
      await fullTextRanking(traced, termStats, { businessId, query: q, category: undefined, publicOnly: false, limit: 20 });
      await Promise.all(pending.splice(0));
      if (hnsw) await explainVector(client, businessId, embedder.id, await embedder.embedQuery(q));
      show = false;
    }
    console.log(`\n  ${"statement".padEnd(44)} ${"n".padStart(4)}  planning p50/p95   execution p50/p95   buffers p50/p95`);
    for (const [label, xs] of byStatement) {
      const f = (k: keyof Explained, d = 2) => `${pct(xs.map((x) => x[k]), 50).toFixed(d).padStart(7)} ${pct(xs.map((x) => x[k]), 95).toFixed(d).padStart(7)}`;
      console.log(`  ${label.padEnd(44)} ${String(xs.length).padStart(4)}  ${f("planningMs")}   ${f("executionMs")}   ${f("buffers", 0)}`);
    }
    console.log(`\nload average ${loadavg()[0]!.toFixed(2)} at the end`);
  } finally {
    await client.end();
    await db.$disconnect();
  }
}

/**
 * The vector ranking's HNSW statement as the store runs it for a large business (the body of
 * knowledge_nearest_chunks with its settings; a vector(1536) column, before the halfvec
 * migration, as the store ran it then).
 */
async function explainVector(client: pg.Client, businessId: string, model: string, v: Float32Array) {
  const type = (await client.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '"KnowledgeChunk"'::regclass AND attname = 'embedding'`)).rows[0].t as string;
  const half = type.startsWith("halfvec");
  const param = half ? toHalfvecParam(v) : toVectorParam(v);
  const cast = Prisma.raw(half ? "halfvec" : "vector");
  const sql = Prisma.sql`
    SELECT k.id, (k.embedding <=> ${param}::${cast})::float8 AS distance
    FROM "KnowledgeChunk" k
    WHERE k."businessId" = ${businessId} AND k."embeddingModel" = ${model} AND k.embedding IS NOT NULL
    ORDER BY k.embedding <=> ${param}::${cast} LIMIT 20`;
  await explain(client, `vector: HNSW top 20 (${type})`, sql, [
    "SET LOCAL hnsw.ef_search = 200",
    "SET LOCAL hnsw.iterative_scan = relaxed_order",
    "SET LOCAL hnsw.scan_mem_multiplier = 8",
    "SET LOCAL hnsw.max_scan_tuples = 50000",
    "SET LOCAL enable_sort = off",
    "SET LOCAL enable_seqscan = off",
  ]);
}

await main();
