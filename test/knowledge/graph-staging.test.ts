// The pgvector store's growing segment: new vectors are written to "pendingEmbedding" (no HNSW
// insert on the write path), found at once by an exact scan beside the HNSW search, and moved
// into the graph by the durable knowledge.graph job. The store is forced onto its HNSW path
// (knowledge_nearest_chunks), where the pending part is the only way to find a new chunk.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@prisma/client";
import { queryRows } from "@frontdesk/core/db/client";
import { createJobWorker } from "@frontdesk/core/jobs/job-queue";
import { createKnowledgeService, GRAPH_MERGE_JOB, INDEX_CONTENT_JOB, knowledgeJobHandlers } from "@frontdesk/core/knowledge/knowledge-service";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { graphJobKey, mergePendingVectors } from "@frontdesk/core/knowledge/graph-merge";
import { createPgvectorStore } from "@frontdesk/core/knowledge/stores/pgvector-store";
import { toHalfvecParam } from "@frontdesk/core/knowledge/stores/vector-store";
import { VECTOR_DIMENSIONS } from "@frontdesk/core/knowledge/embedders/embedder";
import { createMetricsRegistry } from "@frontdesk/core/observability/metrics";
import { registerJobMetrics } from "@frontdesk/core/observability/job-metrics";
import { testDb, testLogger } from "../support/services.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { knowledgeDeps, runKnowledgeJobs } from "./support.ts";

const db = testDb();
const hnsw = createPgvectorStore(db, { exactScanMaxChunks: 0, minShareForIndex: 0 });
const exact = createPgvectorStore(db);
const deps = knowledgeDeps({ db, store: hnsw });
const service = createKnowledgeService(deps);

afterAll(async () => {
  await db.$disconnect();
});

/** Runs the business's index jobs only: their chunks stay pending (no merge). */
async function indexOnly(businessId: string): Promise<void> {
  const worker = createJobWorker({
    db,
    handlers: { [INDEX_CONTENT_JOB]: knowledgeJobHandlers(deps)[INDEX_CONTENT_JOB]! },
    logger: testLogger("jobs"),
    businessIds: [businessId],
    pollMs: 3_600_000,
  });
  try {
    await worker.drain();
  } finally {
    await worker.stop();
  }
}

interface Placement {
  id: string;
  merged: boolean;
  pending: boolean;
}
async function placements(where: Prisma.Sql): Promise<Placement[]> {
  return queryRows<Placement>(db, Prisma.sql`
    SELECT id, embedding IS NOT NULL AS merged, "pendingEmbedding" IS NOT NULL AS pending
    FROM "KnowledgeChunk" WHERE ${where} ORDER BY id`);
}
const ofContent = (contentId: string) => placements(Prisma.sql`"contentId" = ${contentId}`);

/** A new business with one chunk merged into the graph and one still pending. */
async function oneMergedOnePending(first: { title: string; content: string }, second: { title: string; content: string }) {
  const c = (await createTestBusiness(db)).business.id;
  const a = await service.createContent(c, first);
  await runKnowledgeJobs(deps, c);
  const b = await service.createContent(c, second);
  await indexOnly(c);
  const [merged, pending] = [(await ofContent(a.id))[0]!, (await ofContent(b.id))[0]!];
  expect(merged).toMatchObject({ merged: true, pending: false });
  expect(pending).toMatchObject({ merged: false, pending: true });
  return { c, merged, pending };
}

const nearest = async (store: typeof hnsw, businessId: string, text: string, topK = 10) =>
  store.query(businessId, { vector: await deps.embedder.embedQuery(text), topK, model: deps.embedder.id });

const graphJob = (businessId: string) => db.job.findUnique({ where: { dedupeKey: graphJobKey(businessId) } });

describe("new vectors wait outside the HNSW graph until the merge job moves them in", () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = (await createTestBusiness(db)).business.id;
    b = (await createTestBusiness(db)).business.id;
  });

  it("a new chunk is found by the HNSW path's search before the merge, and from the graph after it", async () => {
    const text = "Grooming appointments for long-haired cats take ninety minutes, bring the vaccination card.";
    const doc = await service.createContent(a, { title: "Cat grooming", content: text });
    await indexOnly(a);

    const rows = await ofContent(doc.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.pending && !r.merged)).toBe(true);
    expect(await graphJob(a)).toMatchObject({ kind: GRAPH_MERGE_JOB, status: "queued", businessId: a });
    // /metrics counts them (every business's, other test files write too: at least ours).
    const metrics = createMetricsRegistry("api");
    registerJobMetrics(metrics, db);
    const backlog = (await metrics.metrics()).match(/^knowledge_graph_backlog\{service="api"\} (\d+)$/m);
    expect(Number(backlog?.[1])).toBeGreaterThanOrEqual(rows.length);

    const before = await nearest(hnsw, a, text);
    expect(before[0]?.id).toBe(rows[0]!.id);
    expect(before[0]!.score).toBeGreaterThan(0.9);
    // Through the hybrid search too: the vector ranking has it.
    const search = createKnowledgeSearch(deps);
    const answer = await search.searchWith("vector", { businessId: a, query: "long-haired cat grooming appointments" });
    expect(answer.hits[0]).toMatchObject({ contentId: doc.id, vectorRank: 1 });

    await runKnowledgeJobs(deps, a);
    expect((await ofContent(doc.id)).every((r) => r.merged && !r.pending)).toBe(true);
    expect(await graphJob(a)).toMatchObject({ status: "done" });
    const after = await nearest(hnsw, a, text);
    expect(after[0]).toMatchObject({ id: rows[0]!.id });
    expect(after[0]!.score).toBeCloseTo(before[0]!.score, 3);
  });

  it("another business's pending vectors are never returned, by either path", async () => {
    const text = "The clinic's rabbit boarding suite has room for four rabbits and is heated in winter.";
    const mine = await service.createContent(a, { title: "Rabbit boarding", content: text });
    const theirs = await service.createContent(b, { title: "Rabbit boarding", content: text });
    await indexOnly(a);
    await indexOnly(b);
    const [mineIds, theirIds] = [(await ofContent(mine.id)).map((r) => r.id), (await ofContent(theirs.id)).map((r) => r.id)];
    expect(theirIds.length).toBeGreaterThan(0);
    for (const store of [hnsw, exact]) {
      const ids = (await nearest(store, a, text, 50)).map((m) => m.id);
      expect(ids).toContain(mineIds[0]);
      expect(ids.filter((id) => theirIds.includes(id))).toEqual([]);
      expect((await nearest(store, b, text, 50)).map((m) => m.id)).toEqual(theirIds);
    }
  });

  it("the small-business exact scan finds pending and merged vectors alike", async () => {
    const { c, merged, pending } = await oneMergedOnePending(
      { title: "Ferret food", content: "We stock ferret kibble in three sizes." },
      { title: "Ferret toys", content: "Ferret tunnels and chew toys are by the till." },
    );
    expect((await nearest(exact, c, "ferret", 10)).map((m) => m.id).sort()).toEqual([merged.id, pending.id].sort());
  });

  it("a new vector for a merged chunk goes back to pending, and the merge moves the newest one", async () => {
    const c = (await createTestBusiness(db)).business.id;
    const doc = await service.createContent(c, { title: "Lizard lamps", content: "Basking lamps for lizards are replaced every six months." });
    await runKnowledgeJobs(deps, c);
    const [row] = await ofContent(doc.id);
    const replacement = await deps.embedder.embedQuery("Tortoise hibernation boxes are available in spring.");
    await hnsw.upsert(c, [{ id: row!.id, contentId: doc.id, values: replacement, category: null, isPublic: false, model: deps.embedder.id }]);
    expect(await ofContent(doc.id)).toEqual([{ id: row!.id, merged: false, pending: true }]);
    expect(await graphJob(c)).toMatchObject({ status: "queued" });
    const query = { vector: replacement, topK: 1, model: deps.embedder.id };
    expect((await hnsw.query(c, query))[0]!.score).toBeGreaterThan(0.999);
    await runKnowledgeJobs(deps, c);
    expect(await ofContent(doc.id)).toEqual([{ id: row!.id, merged: true, pending: false }]);
    expect((await hnsw.query(c, query))[0]!.score).toBeGreaterThan(0.999);
  });

  it("delete, reindex and deleteBusiness clear both columns", async () => {
    const { c, merged: m, pending: p } = await oneMergedOnePending(
      { title: "Hamster cages", content: "Hamster cages need a deep bedding layer." },
      { title: "Hamster wheels", content: "Solid hamster wheels are safer than wire ones." },
    );
    await hnsw.delete(c, [m.id, p.id]);
    expect(await placements(Prisma.sql`id IN (${m.id}, ${p.id})`)).toEqual([m.id, p.id].sort().map((id) => ({ id, merged: false, pending: false })));
    expect(await nearest(hnsw, c, "hamster")).toEqual([]);

    // A reindex rewrites every chunk pending (the old rows and their vectors are replaced).
    await service.reindex({ businessId: c });
    await indexOnly(c);
    const all = await placements(Prisma.sql`"businessId" = ${c}`);
    expect(all).toHaveLength(2);
    expect(all.every((r) => r.pending && !r.merged)).toBe(true);
    expect((await nearest(hnsw, c, "hamster")).length).toBe(2);

    await hnsw.deleteBusiness(c);
    expect((await placements(Prisma.sql`"businessId" = ${c}`)).every((r) => !r.pending && !r.merged)).toBe(true);
    expect(await nearest(hnsw, c, "hamster")).toEqual([]);
  });

  it("one merge job per business however many writes; a run out of time queues itself again", async () => {
    const c = (await createTestBusiness(db)).business.id;
    for (let i = 0; i < 5; i++) {
      await service.createContent(c, { title: `Parrot perch ${i}`, content: `Perch model P${i} suits parrots up to ${i + 2} kilos.` });
      await indexOnly(c);
    }
    expect(await db.job.count({ where: { businessId: c, kind: GRAPH_MERGE_JOB } })).toBe(1);
    const pendingCount = async () => (await placements(Prisma.sql`"businessId" = ${c} AND "pendingEmbedding" IS NOT NULL`)).length;
    expect(await pendingCount()).toBe(5);

    // No time left after the first batch: two rows moved, the job queued again.
    expect(await mergePendingVectors(db, c, { batchSize: 2, budgetMs: 0 })).toEqual({ merged: 2, requeued: true });
    expect(await pendingCount()).toBe(3);
    expect(await graphJob(c)).toMatchObject({ status: "queued", attempts: 0 });
    // Oldest first.
    const merged = await placements(Prisma.sql`"businessId" = ${c} AND embedding IS NOT NULL`);
    const oldest = await db.knowledgeChunk.findMany({ where: { businessId: c }, orderBy: { createdAt: "asc" }, take: 2, select: { id: true } });
    expect(merged.map((r) => r.id).sort()).toEqual(oldest.map((r) => r.id).sort());

    // The worker's runs do the same, each queueing the next, until nothing is left.
    const ran = await runKnowledgeJobs({ ...deps, graphMerge: { batchSize: 2, budgetMs: 0 } }, c);
    expect(ran).toBeGreaterThanOrEqual(2);
    expect(await pendingCount()).toBe(0);
    expect(await graphJob(c)).toMatchObject({ status: "done" });
    expect(await db.job.count({ where: { businessId: c, kind: GRAPH_MERGE_JOB } })).toBe(1);
  });

  it("the exact part reads the newest 2,000 pending rows: older ones wait for the merge, which takes them first", { timeout: 60_000 }, async () => {
    const c = (await createTestBusiness(db)).business.id;
    const content = await db.rAGContent.create({ data: { businessId: c, title: "Backlog", content: "", status: "indexed" } });
    const unit = (d: number) => {
      const v = new Float32Array(VECTOR_DIMENSIONS);
      v[d] = 1;
      return v;
    };
    const axis = (d: number) => toHalfvecParam(unit(d));
    const model = deps.embedder.id;
    await queryRows(db, Prisma.sql`
      INSERT INTO "KnowledgeChunk" (id, "businessId", "contentId", position, text, "tokenCount", "embeddingModel", "pendingEmbedding", "createdAt")
      VALUES (${"chk_backlog_oldest_" + c}, ${c}, ${content.id}, 0, '', 0, ${model}, ${axis(1)}::halfvec, now() - interval '1 hour')`);
    await queryRows(db, Prisma.sql`
      INSERT INTO "KnowledgeChunk" (id, "businessId", "contentId", position, text, "tokenCount", "embeddingModel", "pendingEmbedding")
      SELECT 'chk_backlog_' || ${c} || '_' || i, ${c}, ${content.id}, i, '', 0, ${model}, ${axis(2)}::halfvec
      FROM generate_series(1, 2000) i`);
    const oldest = () => hnsw.query(c, { vector: unit(1), topK: 1, model });
    expect((await oldest())[0]!.score).toBeLessThan(0.5); // a newer row (orthogonal), not the oldest
    await mergePendingVectors(db, c, { batchSize: 1, budgetMs: 0 });
    const [found] = await oldest();
    expect(found?.id).toBe("chk_backlog_oldest_" + c);
    expect(found!.score).toBeCloseTo(1, 5);
    await db.knowledgeChunk.deleteMany({ where: { businessId: c } });
  });
});
