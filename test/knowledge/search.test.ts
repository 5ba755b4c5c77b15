import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@frontdesk/core/errors";
import { createKnowledgeService, type KnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { createLocalEmbedder } from "@frontdesk/core/knowledge/embedders/local-embedder";
import { createPineconeStore } from "@frontdesk/core/knowledge/stores/pinecone-store";
import type { Embedder } from "@frontdesk/core/knowledge/embedders/embedder";
import { startPineconeStandIn, type PineconeStandIn } from "../stand-ins/pinecone.ts";
import { testCache, testDb } from "../support/services.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { knowledgeDeps, runKnowledgeJobs } from "./support.ts";

const db = testDb();
const cache = testCache();
let pinecone: PineconeStandIn;

const SHARED_DOCS = [
  { title: "Opening hours", content: "We are open Monday to Friday 9am to 5pm, and Saturday 10am to 2pm.", category: "visit", isPublic: true },
  { title: "Parking", content: "Free parking behind the building, entrance on Elm Street.", category: "visit", isPublic: false },
  { title: "Price list", content: "A consultation costs $80. Product code ZX-900 is our premium package.", category: "pricing", isPublic: true },
];

beforeAll(async () => {
  pinecone = await startPineconeStandIn();
});
afterAll(async () => {
  await pinecone.close();
  await cache.close();
  await db.$disconnect();
});

async function twoBusinesses(service: KnowledgeService, deps: Parameters<typeof runKnowledgeJobs>[0]) {
  const a = (await createTestBusiness(db)).business.id;
  const b = (await createTestBusiness(db)).business.id;
  // Same documents, word for word, in both businesses: only the tenant filter tells them apart.
  await service.importContents(a, SHARED_DOCS);
  await service.importContents(b, [...SHARED_DOCS, { title: "B only", content: "Business B sells saxophones.", category: "visit", isPublic: true }]);
  await runKnowledgeJobs(deps, a, b);
  return { a, b };
}

describe.each([
  ["pgvector", () => knowledgeDeps({ db, cache })],
  ["Pinecone", () => knowledgeDeps({ db, cache, store: createPineconeStore({ apiKey: pinecone.apiKey, indexHost: pinecone.url, maxRetries: 0 }) })],
])("hybrid search over %s", (_name, makeDeps) => {
  let deps: ReturnType<typeof makeDeps>;
  let service: KnowledgeService;
  let a: string;
  let b: string;

  beforeAll(async () => {
    deps = makeDeps();
    service = createKnowledgeService(deps);
    ({ a, b } = await twoBusinesses(service, deps));
  });

  it("answers a caller's question with the right chunk, its document's title and a score", async () => {
    const [top] = await service.search({ businessId: a, query: "What time do you open on Saturday?" });
    expect(top).toMatchObject({ title: "Opening hours", category: "visit", text: expect.stringContaining("Saturday 10am to 2pm") });
    expect(top!.chunkId).toMatch(/^chk_/);
    expect(top!.score).toBeGreaterThan(0);
    expect(top!.score).toBeLessThanOrEqual(1);
  });

  it("never returns another business's chunks, though the texts are identical", async () => {
    const chunksOfA = new Set((await db.knowledgeChunk.findMany({ where: { businessId: a }, select: { id: true } })).map((c) => c.id));
    for (const query of ["opening hours Saturday", "parking Elm Street", "saxophones", "ZX-900 consultation price"]) {
      const hits = await service.search({ businessId: a, query, limit: 50 });
      for (const h of hits) expect(chunksOfA.has(h.chunkId!), `${query}: ${h.chunkId}`).toBe(true);
      expect(hits.map((h) => h.title)).not.toContain("B only");
    }
    expect((await service.search({ businessId: b, query: "saxophones" }))[0]?.title).toBe("B only");
  });

  it("filters by category and to public documents only", async () => {
    const visit = await service.search({ businessId: a, query: "parking opening hours price", category: "visit", limit: 10 });
    expect(new Set(visit.map((h) => h.title))).toEqual(new Set(["Opening hours", "Parking"]));
    const pub = await service.search({ businessId: a, query: "parking opening hours price", publicOnly: true, limit: 10 });
    expect(new Set(pub.map((h) => h.title))).toEqual(new Set(["Opening hours", "Price list"]));
  });

  it("finds an exact code that only full text can match", async () => {
    expect((await service.search({ businessId: a, query: "ZX-900" }))[0]?.title).toBe("Price list");
  });

  it("finds a misspelt word that only the embedder's vectors can match", async () => {
    const hits = await service.search({ businessId: a, query: "parkng" });
    expect(hits[0]?.title).toBe("Parking");
  });
});

describe("search when things go wrong", () => {
  it("answers from full text alone while the embedding provider is down", async () => {
    const deps = knowledgeDeps({ db, cache });
    const { business } = await createTestBusiness(db, { knowledge: SHARED_DOCS });
    const down: Embedder = { id: deps.embedder.id, embedDocuments: () => Promise.reject(new Error("503")), embedQuery: () => Promise.reject(new Error("503")) };
    const search = createKnowledgeSearch({ db, embedder: down });
    expect((await search.search({ businessId: business.id, query: "Saturday opening" }))[0]?.title).toBe("Opening hours");
    // ...and full text cannot see misspellings, so that is what an outage costs.
    expect(await search.search({ businessId: business.id, query: "parkng" })).toEqual([]);
  });

  it("ignores vectors made by another embedder (after a model switch, until reindexed), but full text still finds their chunks", async () => {
    const { business } = await createTestBusiness(db, { knowledge: SHARED_DOCS });
    const other: Embedder = { ...createLocalEmbedder(), id: "some-other-model" };
    const search = createKnowledgeSearch({ db, embedder: other });
    expect(await search.search({ businessId: business.id, query: "parkng" })).toEqual([]);
    expect((await search.search({ businessId: business.id, query: "parking" }))[0]?.title).toBe("Parking");
  });

  it("rejects an empty query or an out-of-range limit with validation_failed", async () => {
    const search = createKnowledgeSearch({ db });
    for (const q of [{ query: "   " }, { query: "hours", limit: 0 }, { query: "hours", limit: 51 }, { query: "hours", limit: 2.5 }]) {
      const err = await search.search({ businessId: "biz_x", ...q }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("validation_failed");
    }
  });

  it("a query made only of stop words or punctuation finds nothing rather than failing", async () => {
    const { business } = await createTestBusiness(db, { knowledge: SHARED_DOCS });
    const search = createKnowledgeSearch({ db });
    expect(await search.search({ businessId: business.id, query: "what is the" })).toEqual([]);
    expect(await search.search({ businessId: business.id, query: "?!'&|:*" })).toEqual([]);
  });
});

describe("full-text ranking with word rarity", () => {
  // A tiny cap makes words "common" after 3 chunks, to exercise the large-business paths.
  const docs = [
    { title: "Booking one", content: "Booking online is easy." },
    { title: "Booking two", content: "Booking by phone works too." },
    { title: "Booking three", content: "Booking at the desk is possible." },
    { title: "Booking four", content: "Booking for groups needs a deposit." },
    { title: "Booking five", content: "Booking changes are free." },
    { title: "Refunds", content: "Refunds take five days. Booking fees are not refunded." },
  ];

  it("a rare word outranks a word found in most chunks, and the common word still adds to the score", async () => {
    const { business } = await createTestBusiness(db, { knowledge: docs });
    const search = createKnowledgeSearch({ db, fullTextCap: 3 });
    const hits = (await search.searchWith("text", { businessId: business.id, query: "booking refunds", limit: 10 })).hits;
    expect(hits[0]?.title).toBe("Refunds");
    const deposit = (await search.searchWith("text", { businessId: business.id, query: "booking deposit", limit: 10 })).hits;
    expect(deposit[0]?.title).toBe("Booking four");
  });

  it("when every word is common, chunks holding all of them come first", async () => {
    const { business } = await createTestBusiness(db, { knowledge: docs });
    const search = createKnowledgeSearch({ db, fullTextCap: 1 });
    const hits = (await search.searchWith("text", { businessId: business.id, query: "booking phone", limit: 10 })).hits;
    expect(hits[0]?.title).toBe("Booking two");
    expect(hits.length).toBeGreaterThan(1);
  });
});
