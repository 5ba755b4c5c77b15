// Nothing is lost when a provider is down: documents are saved first, and their durable index
// job retries (with backoff) until OpenAI and Pinecone answer again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import { createOpenAIEmbedder } from "@frontdesk/core/knowledge/embedders/openai-embedder";
import { createPineconeStore } from "@frontdesk/core/knowledge/stores/pinecone-store";
import { indexJobKey } from "@frontdesk/core/knowledge/knowledge-jobs";
import { startOpenAIEmbeddingsStandIn, type OpenAIEmbeddingsStandIn } from "../stand-ins/openai-embeddings.ts";
import { startPineconeStandIn, type PineconeStandIn } from "../stand-ins/pinecone.ts";
import { testCache, testDb } from "../support/services.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { contentStatus, knowledgeDeps, makeJobsDue, runKnowledgeJobs } from "./support.ts";

const db = testDb();
const cache = testCache();
let openai: OpenAIEmbeddingsStandIn;
let pinecone: PineconeStandIn;

beforeAll(async () => {
  openai = await startOpenAIEmbeddingsStandIn();
  pinecone = await startPineconeStandIn();
});
afterAll(async () => {
  await openai.close();
  await pinecone.close();
  await cache.close();
  await db.$disconnect();
});

function engine() {
  const deps = knowledgeDeps({
    db,
    cache,
    embedder: createOpenAIEmbedder({ apiKey: openai.apiKey, baseUrl: openai.url, model: "text-embedding-3-small", maxRetries: 1 }),
    store: createPineconeStore({ apiKey: pinecone.apiKey, indexHost: pinecone.url, maxRetries: 0 }),
  });
  return { deps, service: createKnowledgeService(deps) };
}

describe("indexing through a provider outage", () => {
  it("a document written while OpenAI is down is saved, stays pending with the reason, and is indexed once OpenAI is back", async () => {
    const { deps, service } = engine();
    const businessId = (await createTestBusiness(db)).business.id;
    openai.down(503);
    const doc = await service.createContent(businessId, { title: "Holiday hours", content: "Closed on December 25th and January 1st." });

    for (let attempt = 1; attempt <= 3; attempt++) {
      await makeJobsDue(db, businessId);
      expect(await runKnowledgeJobs(deps, businessId)).toBe(1);
      const job = await db.job.findUniqueOrThrow({ where: { dedupeKey: indexJobKey(doc.id) } });
      expect(job).toMatchObject({ status: "queued", attempts: attempt });
      expect(job.runAt.getTime()).toBeGreaterThan(Date.now()); // backed off, not hammering
      expect(job.lastError).toMatch(/503/);
      const status = await contentStatus(db, businessId, doc.id);
      expect(status.status).toBe("pending");
      expect(status.statusReason).toMatch(new RegExp(`503.*attempt ${attempt} of 10; retrying`));
    }
    expect(await db.knowledgeChunk.count({ where: { contentId: doc.id } })).toBe(0);
    // Meanwhile search still answers (from full text; nothing indexed yet, so nothing found).
    expect(await service.search({ businessId, query: "holiday hours" })).toEqual([]);

    openai.up();
    await makeJobsDue(db, businessId);
    await runKnowledgeJobs(deps, businessId);
    expect(await contentStatus(db, businessId, doc.id)).toMatchObject({ status: "indexed", statusReason: null });
    expect((await db.job.findUniqueOrThrow({ where: { dedupeKey: indexJobKey(doc.id) } })).status).toBe("done");
    expect(pinecone.namespaces.get(businessId)?.size).toBe(1);
    expect((await service.search({ businessId, query: "are you closed on christmas december 25th" }))[0]?.title).toBe("Holiday hours");
  });

  it("a Pinecone outage is retried the same way, and no chunk is committed without its vector", async () => {
    const { deps, service } = engine();
    const businessId = (await createTestBusiness(db)).business.id;
    pinecone.down(503);
    const doc = await service.createContent(businessId, { title: "Parking", content: "Park behind the building." });
    await makeJobsDue(db, businessId);
    await runKnowledgeJobs(deps, businessId);
    expect(await contentStatus(db, businessId, doc.id)).toMatchObject({ status: "pending" });
    expect(await db.knowledgeChunk.count({ where: { contentId: doc.id } })).toBe(0);

    pinecone.up();
    await makeJobsDue(db, businessId);
    await runKnowledgeJobs(deps, businessId);
    expect(await contentStatus(db, businessId, doc.id)).toMatchObject({ status: "indexed" });
    const [chunk] = await db.knowledgeChunk.findMany({ where: { contentId: doc.id } });
    expect(pinecone.namespaces.get(businessId)?.has(chunk!.id)).toBe(true);
  });

  it("an edit and a delete remove the replaced vectors from Pinecone, through a durable purge job", async () => {
    const { deps, service } = engine();
    const businessId = (await createTestBusiness(db)).business.id;
    const doc = await service.createContent(businessId, { title: "Prices", content: "A check-up costs $60." });
    await runKnowledgeJobs(deps, businessId);
    const v1 = [...pinecone.namespaces.get(businessId)!.keys()];
    expect(v1).toHaveLength(1);

    await service.updateContent(businessId, doc.id, { content: "A check-up costs $70." });
    pinecone.failNext(1, 503); // the purge's first try fails; it is retried
    await runKnowledgeJobs(deps, businessId);
    await makeJobsDue(db, businessId);
    await runKnowledgeJobs(deps, businessId);
    const v2 = [...pinecone.namespaces.get(businessId)!.keys()];
    expect(v2).toHaveLength(1);
    expect(v2[0]).not.toBe(v1[0]);

    await service.deleteContent(businessId, doc.id);
    await runKnowledgeJobs(deps, businessId);
    expect(pinecone.namespaces.get(businessId)?.size ?? 0).toBe(0);
    expect(await db.job.count({ where: { businessId, kind: "knowledge.purge", status: { not: "done" } } })).toBe(0);
  });

  it("a request OpenAI refuses outright (a 4xx such as an unknown model) marks the document failed with the reason, without retrying", async () => {
    const businessId = (await createTestBusiness(db)).business.id;
    const deps = knowledgeDeps({
      db,
      embedder: createOpenAIEmbedder({ apiKey: openai.apiKey, baseUrl: openai.url, model: "text-embedding-9-imaginary", maxRetries: 0 }),
    });
    const doc = await createKnowledgeService(deps).createContent(businessId, { title: "T", content: "text" });
    await runKnowledgeJobs(deps, businessId);
    const status = await contentStatus(db, businessId, doc.id);
    expect(status.status).toBe("failed");
    expect(status.statusReason).toMatch(/404 The model `text-embedding-9-imaginary` does not exist/);
    expect(openai.requests.filter((r) => r.model === "text-embedding-9-imaginary")).toHaveLength(1);
    expect((await db.job.findUniqueOrThrow({ where: { dedupeKey: indexJobKey(doc.id) } })).status).toBe("done");
  });

  it("after the last attempt the document is failed with the provider's error as the reason", async () => {
    const { deps, service } = engine();
    const businessId = (await createTestBusiness(db)).business.id;
    openai.down(500);
    try {
      const doc = await service.createContent(businessId, { title: "T", content: "text" });
      await db.job.updateMany({ where: { dedupeKey: indexJobKey(doc.id) }, data: { maxAttempts: 2 } });
      for (let i = 0; i < 2; i++) {
        await makeJobsDue(db, businessId);
        await runKnowledgeJobs(deps, businessId);
      }
      const status = await contentStatus(db, businessId, doc.id);
      expect(status.status).toBe("failed");
      expect(status.statusReason).toMatch(/500/);
      expect((await db.job.findUniqueOrThrow({ where: { dedupeKey: indexJobKey(doc.id) } })).status).toBe("failed");
      // Fixing the cause and reindexing brings it back.
      openai.up();
      await service.reindex({ businessId });
      await runKnowledgeJobs(deps, businessId);
      expect((await contentStatus(db, businessId, doc.id)).status).toBe("indexed");
    } finally {
      openai.up();
    }
  });
});
