// `npm run bench:rag-modes -- --db <database>`: search latency and CPU per query of each
// search mode (vector, text, hybrid) on a database `bench:rag --keep` left behind, for the
// largest business: the quick way to compare a change or a server setting (shared_buffers)
// without rebuilding 100k chunks. Each mode gets fresh caches, warmed on 60 other questions.
//   --db NAME      the kept bench database (required)
//   --modes LIST   comma-separated modes (default vector,text,hybrid)
//   --queries N    timed questions per mode (default 300)
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import { ADMIN_URL, startCpuMeter, withDb } from "./bench-db.ts";
import { createDb } from "@frontdesk/core/db/client";
import { createMemoryCache } from "@frontdesk/core/cache/memory-cache";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { createKnowledgeSearch, type SearchMode } from "@frontdesk/core/knowledge/knowledge-search";
import { createCorpus } from "./rag-corpus.ts";

const { values: args } = parseArgs({ options: { db: { type: "string" }, modes: { type: "string" }, queries: { type: "string" } } });
if (!args.db) throw new Error("usage: npm run bench:rag-modes -- --db <database kept by bench:rag --keep>");
const url = withDb(ADMIN_URL, args.db);
const db = createDb({ url, poolMax: 12 });
const corpus = createCorpus(20261125);

try {
  const [largest] = await db.$queryRaw<{ id: string; chunks: number }[]>`
    SELECT "businessId" AS id, count(*)::int AS chunks FROM "KnowledgeChunk" GROUP BY 1 ORDER BY 2 DESC LIMIT 1`;
  if (!largest) throw new Error(`${args.db} has no chunks`);
  console.log(`rag modes: ${args.db}, business ${largest.id} (${largest.chunks} chunks); load average ${loadavg()[0]!.toFixed(2)}`);
  const deps = resolveKnowledgeDeps({ db, cache: createMemoryCache("modes:") });
  for (const mode of (args.modes ?? "vector,text,hybrid").split(",") as SearchMode[]) {
    const search = createKnowledgeSearch({ ...deps, cache: createMemoryCache(`modes:${mode}:`) });
    const run = (query: string) => search.searchWith(mode, { businessId: largest.id, query, limit: 5 });
    for (const q of corpus.questions(60, 7)) await run(q);
    const questions = corpus.questions(Number(args.queries ?? 300));
    const cpu = startCpuMeter(url);
    const times: number[] = [];
    for (const q of questions) {
      const started = performance.now();
      await run(q);
      times.push(performance.now() - started);
    }
    const used = await cpu.stop();
    times.sort((a, b) => a - b);
    const p = (f: number) => times[Math.min(times.length - 1, Math.ceil(f * times.length) - 1)]!.toFixed(1);
    const per = (x: number) => (x / questions.length).toFixed(2);
    console.log(`  ${mode.padEnd(7)} p50 ${p(0.5)}  p95 ${p(0.95)}  p99 ${p(0.99)} ms   CPU ${per(used.nodeMs)} ms node + ${per(used.postgresMs)} ms postgres a query   (load ${loadavg()[0]!.toFixed(2)})`);
  }
} finally {
  await db.$disconnect();
}
