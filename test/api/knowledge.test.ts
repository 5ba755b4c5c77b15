// Knowledge through the API: written, indexed in the background, searchable as the agent
// searches, imported in bulk, counted by indexing status, bounded by the plan.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainKnowledgeJobs } from "@frontdesk/core/knowledge/knowledge-jobs";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { call, createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb, testLogger } from "../support/services.ts";

const db = testDb();
let api: Api;
let biz: TestBusiness;
let key: string;

beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(db, { plan: "enterprise" });
  key = (await createSecretKey(biz.business, ["knowledge:write"])).key;
});
afterAll(async () => {
  await api.close();
});

const index = () => drainKnowledgeJobs({ ...resolveKnowledgeDeps({ db }), logger: testLogger() }, { businessIds: [biz.business.id] });

describe("knowledge", () => {
  it("a new document is pending, becomes indexed in the background, and is found by search", async () => {
    const created = await call(api, "POST", "/v1/knowledge", {
      key,
      body: { title: "Parking", content: "There is free parking behind the bakery, entrance on Elm Street.", category: "visiting" },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ status: "pending", version: 1, category: "visiting", isPublic: false, source: "manual" });
    const before = await call(api, "GET", "/v1/knowledge/status", { key });
    expect(before.body.pending).toBeGreaterThanOrEqual(1);
    await index();
    const after = await call(api, "GET", `/v1/knowledge/${created.body.id}`, { key });
    expect(after.body).toMatchObject({ status: "indexed", indexedAt: expect.any(String) });
    const hits = await call(api, "GET", `/v1/knowledge/search?q=${encodeURIComponent("where can I park my car?")}`, { key });
    expect(hits.status).toBe(200);
    expect(hits.body.data[0]).toMatchObject({ contentId: created.body.id, title: "Parking" });
  });

  it("an edit bumps the version and re-indexes; a delete removes it from search", async () => {
    const doc = (await call(api, "POST", "/v1/knowledge", { key, body: { title: "Opening hours", content: "We open at 8am on weekdays." } })).body;
    await index();
    const edited = await call(api, "PATCH", `/v1/knowledge/${doc.id}`, { key, body: { content: "We open at 7am on weekdays and 9am on Saturdays." } });
    expect(edited.body).toMatchObject({ version: 2, status: "pending" });
    await index();
    const hit = await call(api, "GET", `/v1/knowledge/search?q=saturday`, { key });
    expect(hit.body.data.map((h: { contentId: string }) => h.contentId)).toContain(doc.id);
    expect((await call(api, "DELETE", `/v1/knowledge/${doc.id}`, { key })).status).toBe(204);
    expect((await call(api, "GET", `/v1/knowledge/${doc.id}`, { key })).status).toBe(404);
    const gone = await call(api, "GET", `/v1/knowledge/search?q=saturday`, { key });
    expect(gone.body.data.map((h: { contentId: string }) => h.contentId)).not.toContain(doc.id);
  });

  it("imports CSV, Markdown and JSON, and reports a bad file line by line without writing anything", async () => {
    const csv = await call(api, "POST", "/v1/knowledge/import", {
      key,
      body: { format: "csv", data: 'question,answer,category\nDo you deliver?,"Yes, within five miles.",delivery\nCan I pay by card?,All major cards.,payment\n' },
    });
    expect(csv.status, csv.text).toBe(201);
    expect(csv.body.imported).toBe(2);
    expect(csv.body.data.map((d: { title: string }) => d.title)).toEqual(["Do you deliver?", "Can I pay by card?"]);
    const md = await call(api, "POST", "/v1/knowledge/import", { key, body: { format: "markdown", data: "# Allergies\nWe label all nuts.\n\n# Gift cards\nSold in store.\n" } });
    expect(md.body.imported).toBe(2);
    const json = await call(api, "POST", "/v1/knowledge/import", { key, body: { format: "json", data: JSON.stringify([{ title: "Wifi", content: "Free wifi, password on the receipt.", isPublic: true }]) } });
    expect(json.body.data[0]).toMatchObject({ title: "Wifi", isPublic: true, source: "import" });
    const count = await forBusiness(db, biz.business.id).rAGContent.count();
    const bad = await call(api, "POST", "/v1/knowledge/import", { key, body: { format: "csv", data: "question,answer\nOnly a question\n,\n" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.length).toBeGreaterThan(0);
    expect(await forBusiness(db, biz.business.id).rAGContent.count()).toBe(count);
  });

  it("lists documents newest first, filtered by category and status", async () => {
    const r = await call(api, "GET", "/v1/knowledge?category=delivery", { key });
    expect(r.body.data.map((d: { title: string }) => d.title)).toEqual(["Do you deliver?"]);
    const all = await call(api, "GET", "/v1/knowledge?limit=100", { key });
    const ids = all.body.data.map((d: { id: string }) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    await index();
    expect((await call(api, "GET", "/v1/knowledge?status=pending", { key })).body.data).toEqual([]);
    const status = await call(api, "GET", "/v1/knowledge/status", { key });
    expect(status.body).toMatchObject({ pending: 0, failed: 0, indexed: status.body.total });
  });

  it("a free business is stopped at its plan's document limit with 402", async () => {
    const free = await createTestBusiness(db, { plan: "free" });
    await forBusiness(db, free.business.id).rAGContent.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({ businessId: free.business.id, title: `Doc ${i}`, content: "text" })),
    });
    const owner = await sessionFor(api, free.owner);
    const r = await call(api, "POST", "/v1/knowledge", { session: owner, body: { title: "One more", content: "Over the limit." } });
    expect(r.status).toBe(402);
    expect(r.body.code).toBe("knowledge_limit_reached");
  });
});
