import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@frontdesk/core/errors";
import { createKnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import { indexJobKey } from "@frontdesk/core/knowledge/knowledge-jobs";
import { testCache, testDb } from "../support/services.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { chunkTexts, contentStatus, knowledgeDeps, runKnowledgeJobs } from "./support.ts";

const db = testDb();
const cache = testCache();
const deps = knowledgeDeps({ db, cache });
const service = createKnowledgeService(deps);
let a: string;
let b: string;

beforeAll(async () => {
  a = (await createTestBusiness(db)).business.id;
  b = (await createTestBusiness(db)).business.id;
});
afterAll(async () => {
  await cache.close();
  await db.$disconnect();
});

const titles = async (businessId: string, query: string) => (await service.search({ businessId, query })).map((h) => h.title);

describe("knowledge service", () => {
  it("a new document is saved pending with one queued index job, and is searchable once the job ran", async () => {
    const doc = await service.createContent(a, { title: "Parking", content: "Free parking is behind the building, enter from Elm Street.", category: "visit" });
    expect(doc).toMatchObject({ status: "pending", businessId: a, category: "visit", isPublic: false });
    const job = await db.job.findUniqueOrThrow({ where: { dedupeKey: indexJobKey(doc.id) } });
    expect(job).toMatchObject({ kind: "knowledge.index", status: "queued", businessId: a });
    expect(await titles(a, "where can I park?")).toEqual([]);

    await runKnowledgeJobs(deps, a);
    expect(await contentStatus(db, a, doc.id)).toMatchObject({ status: "indexed", statusReason: null });
    expect(await titles(a, "where can I park?")).toEqual(["Parking"]);
  });

  it("an edit re-chunks the document: the old wording is no longer found and the new one is", async () => {
    const doc = await service.createContent(a, { title: "Payment", content: "We accept cash and cheques only." });
    await runKnowledgeJobs(deps, a);
    expect(await titles(a, "do you take cheques")).toContain("Payment");

    const updated = await service.updateContent(a, doc.id, { content: "We accept credit cards and Apple Pay." });
    expect(updated).toMatchObject({ status: "pending", version: 2 });
    await runKnowledgeJobs(deps, a);
    expect(await contentStatus(db, a, doc.id)).toMatchObject({ status: "indexed", version: 2 });
    expect(await chunkTexts(db, a, doc.id)).toEqual(["Payment\n\nWe accept credit cards and Apple Pay."]);
    expect(await titles(a, "cheques")).not.toContain("Payment");
    expect(await titles(a, "apple pay")).toContain("Payment");
  });

  it("deleting a document removes its chunks and its queued job", async () => {
    const doc = await service.createContent(a, { title: "Gift vouchers", content: "Gift vouchers are sold at reception." });
    await runKnowledgeJobs(deps, a);
    expect(await titles(a, "gift voucher")).toContain("Gift vouchers");
    await service.updateContent(a, doc.id, { isPublic: true }); // queues a job again
    await service.deleteContent(a, doc.id);
    expect(await db.knowledgeChunk.count({ where: { contentId: doc.id } })).toBe(0);
    expect(await db.job.count({ where: { dedupeKey: indexJobKey(doc.id) } })).toBe(0);
    expect(await titles(a, "gift voucher")).not.toContain("Gift vouchers");
  });

  it("another business's document id answers not_found to update and delete, and the document is untouched", async () => {
    const doc = await service.createContent(a, { title: "Secret A", content: "Only A knows this." });
    for (const attempt of [() => service.updateContent(b, doc.id, { title: "hijacked" }), () => service.deleteContent(b, doc.id)]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("not_found");
    }
    expect(await db.rAGContent.findUniqueOrThrow({ where: { id: doc.id } })).toMatchObject({ title: "Secret A", businessId: a });
  });

  it("bad input answers validation_failed naming the field, and saves nothing", async () => {
    const before = await db.rAGContent.count({ where: { businessId: a } });
    const err = (await service.createContent(a, { title: "  ", content: "x" }).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe("validation_failed");
    expect(err.errors).toEqual([{ path: "title", message: "must not be empty" }]);
    const err2 = (await service.updateContent(a, "kn_missing", { content: 42 as unknown as string }).catch((e: unknown) => e)) as AppError;
    expect(err2.errors).toEqual([{ path: "content", message: "must be a string" }]);
    expect(await db.rAGContent.count({ where: { businessId: a } })).toBe(before);
  });

  it("an edit made while the document is being indexed is indexed too, not lost", async () => {
    const doc = await service.createContent(a, { title: "Opening hours", content: "We open at 9 on weekdays." });
    // Edit the document from inside the first indexing run, after it has read version 1.
    let edited = false;
    const racing = knowledgeDeps({
      db,
      embedder: {
        id: deps.embedder.id,
        embedQuery: (t) => deps.embedder.embedQuery(t),
        async embedDocuments(texts) {
          if (!edited) {
            edited = true;
            await service.updateContent(a, doc.id, { content: "We open at 8 on weekdays and 10 on Saturdays." });
          }
          return deps.embedder.embedDocuments(texts);
        },
      },
    });
    await runKnowledgeJobs(racing, a);
    expect(edited).toBe(true);
    expect(await contentStatus(db, a, doc.id)).toMatchObject({ status: "indexed", version: 2 });
    expect(await chunkTexts(db, a, doc.id)).toEqual(["Opening hours\n\nWe open at 8 on weekdays and 10 on Saturdays."]);
  });

  it("bulk import saves every document pending, queues them in groups of 25 per job, and all become searchable", async () => {
    const { business } = await createTestBusiness(db);
    const docs = Array.from({ length: 60 }, (_, i) => ({ title: `Treatment ${i}`, content: `Treatment number ${i} uses product code TX${1000 + i}.`, category: i % 2 ? "odd" : "even" }));
    const { imported, contents } = await service.importContents(business.id, docs);
    expect(imported).toBe(60);
    expect(contents.every((c) => c.status === "pending" && c.source === "import")).toBe(true);
    const jobs = await db.job.findMany({ where: { businessId: business.id, kind: "knowledge.index", status: "queued" } });
    expect(jobs.map((j) => (j.payload as { contentIds: string[] }).contentIds.length).sort()).toEqual([10, 25, 25]);
    expect(new Set(jobs.flatMap((j) => (j.payload as { contentIds: string[] }).contentIds))).toEqual(new Set(contents.map((c) => c.id)));
    // The three index jobs, then the business's one graph merge (its vectors into the HNSW graph).
    expect(await runKnowledgeJobs(deps, business.id)).toBe(4);
    expect(await db.rAGContent.count({ where: { businessId: business.id, status: "indexed" } })).toBe(60);
    expect((await service.search({ businessId: business.id, query: "TX1017" }))[0]?.title).toBe("Treatment 17");
  });

  it("reindex queues every document of one business again, and of all businesses with --all", async () => {
    const { business } = await createTestBusiness(db, { knowledge: [{ title: "One", content: "first" }, { title: "Two", content: "second" }] });
    expect(await service.reindex({ businessId: business.id })).toEqual({ businesses: 1, contents: 2 });
    expect(await db.rAGContent.count({ where: { businessId: business.id, status: "pending" } })).toBe(2);
    await runKnowledgeJobs(deps, business.id);
    expect(await db.rAGContent.count({ where: { businessId: business.id, status: "indexed" } })).toBe(2);

    const all = await service.reindex({ all: true });
    expect(all.businesses).toBeGreaterThanOrEqual(3);
    expect(all.contents).toBeGreaterThanOrEqual(2 + 60);
    const err = (await service.reindex({ businessId: "biz_nope" }).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe("not_found");
    await runKnowledgeJobs(deps, a, b, business.id);
  });
});
