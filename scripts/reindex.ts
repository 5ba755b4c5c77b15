// `npm run reindex -- --business <id>` or `-- --all`: rebuilds the knowledge index. Marks every
// document of the business (or of all businesses) pending, queues its durable index job, then
// runs those jobs here and prints what happened. Use it after switching embedder (OpenAI <->
// local, another model or width) or vector store (pgvector <-> Pinecone), or to retry
// documents that failed. `--queue-only` leaves the work to the API's job worker instead.
// Without DATABASE_URL it opens the embedded database of `npm start` (stop that first).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "@frontdesk/core/config/env";
import { createDb } from "@frontdesk/core/db/client";
import { createCache } from "@frontdesk/core/cache/index";
import { createLogger } from "@frontdesk/core/observability/logger";
import { AppError } from "@frontdesk/core/errors";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { createKnowledgeService, drainKnowledgeJobs, type ReindexTarget } from "@frontdesk/core/knowledge/knowledge-service";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./lib/embedded-postgres.ts";

const USAGE = "usage: npm run reindex -- --business <id> | --all [--queue-only]";

function parseTarget(): { target: ReindexTarget; queueOnly: boolean } {
  let values: { business?: string; all?: boolean; "queue-only"?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { business: { type: "string" }, all: { type: "boolean" }, "queue-only": { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (Boolean(values.business) === Boolean(values.all)) fail(`give exactly one of --business <id> or --all\n${USAGE}`);
  return { target: values.business ? { businessId: values.business } : { all: true }, queueOnly: Boolean(values["queue-only"]) };
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main() {
  const { target, queueOnly } = parseTarget();
  let embedded: EmbeddedPostgres | undefined;
  if (!process.env.DATABASE_URL) {
    const dir = resolve(process.env.FRONTDESK_STATE_DIR ?? ".frontdesk", "pgdata");
    console.log(`DATABASE_URL is not set: using the embedded database in ${dir}`);
    embedded = await startEmbeddedPostgres(dir);
    process.env.DATABASE_URL = embedded.url;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const db = createDb({ url: config.databaseUrl!, poolMax: 6 });
  const cache = createCache(config);
  const logger = createLogger("reindex", process.env.LOG_LEVEL ?? "warn");
  try {
    const deps = { ...resolveKnowledgeDeps({ db, cache, config, logger }), logger };
    console.log(`embedder ${deps.embedder.id}, vector store ${deps.store.kind}`);
    const service = createKnowledgeService(deps);
    const queued = await service.reindex(target);
    console.log(`queued ${queued.contents} document(s) of ${queued.businesses} business(es)`);
    if (queueOnly || queued.contents === 0) return;

    const startedAt = performance.now();
    const jobs = await drainKnowledgeJobs(deps, "businessId" in target ? { businessIds: [target.businessId] } : {});
    const seconds = (performance.now() - startedAt) / 1000;
    const where = "businessId" in target ? { businessId: target.businessId } : {};
    const byStatus = await db.rAGContent.groupBy({ by: ["status"], where, _count: true });
    const count = (s: string) => byStatus.find((r) => r.status === s)?._count ?? 0;
    const chunks = await db.knowledgeChunk.count({ where });
    console.log(
      `ran ${jobs} job(s) in ${seconds.toFixed(1)} s: ${count("indexed")} indexed, ${count("failed")} failed, ` +
        `${count("pending")} still pending (retrying later); ${chunks} chunks`,
    );
    const failed = await db.rAGContent.findMany({ where: { ...where, status: { not: "indexed" } }, select: { id: true, title: true, status: true, statusReason: true }, take: 20 });
    for (const f of failed) console.log(`  ${f.status} ${f.id} "${f.title}": ${f.statusReason ?? ""}`);
    if (failed.length) process.exitCode = 1;
  } catch (err) {
    if (err instanceof AppError) fail(err.userMessage);
    throw err;
  } finally {
    await cache.close();
    await db.$disconnect();
    await embedded?.stop();
  }
}

await main();
