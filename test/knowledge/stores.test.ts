// One contract, two vector stores: pgvector in our Postgres, and Pinecone through its SDK
// against a local server speaking Pinecone's data-plane REST API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@frontdesk/core/db/client";
import { VECTOR_DIMENSIONS } from "@frontdesk/core/knowledge/embedders/embedder";
import { createPgvectorStore } from "@frontdesk/core/knowledge/stores/pgvector-store";
import { createPineconeStore } from "@frontdesk/core/knowledge/stores/pinecone-store";
import { createVectorStore } from "@frontdesk/core/knowledge/stores/index";
import type { VectorRecord, VectorStore } from "@frontdesk/core/knowledge/stores/vector-store";
import { startPineconeStandIn, type PineconeStandIn } from "../stand-ins/pinecone.ts";
import { testConfig, testDb } from "../support/services.ts";
import { createTestBusiness } from "../support/fixtures.ts";

const db = testDb();
let pinecone: PineconeStandIn;

beforeAll(async () => {
  pinecone = await startPineconeStandIn();
});
afterAll(async () => {
  await pinecone.close();
  await db.$disconnect();
});

/**
 * A deterministic dense unit vector per "direction" (random-looking, so nearly orthogonal to
 * every other direction, like real embeddings rather than axis-aligned ones), optionally
 * leaning towards another direction by `leanBy`.
 */
function direction(i: number): Float32Array {
  let state = (i + 1) * 2654435761;
  const v = new Float32Array(VECTOR_DIMENSIONS);
  for (let d = 0; d < VECTOR_DIMENSIONS; d++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    v[d] = state / 4294967296 - 0.5;
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
function vec(axis: number, lean = axis + 1, leanBy = 0): Float32Array {
  const a = direction(axis);
  const b = direction(lean);
  const v = a.map((x, d) => x + leanBy * b[d]!);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** pgvector keeps vectors on chunk rows: make the rows (content + chunks) the records name. */
async function chunkRows(db: Db, businessId: string, records: { id: string; category?: string | null; isPublic?: boolean }[]) {
  for (const r of records) {
    const content = await db.rAGContent.create({ data: { businessId, title: r.id, content: r.id, category: r.category ?? null, isPublic: r.isPublic ?? false } });
    await db.knowledgeChunk.create({ data: { id: r.id, businessId, contentId: content.id, position: 0, text: r.id, tokenCount: 1 } });
  }
}

const MODEL = "test-model";
const record = (id: string, values: Float32Array, extra: Partial<VectorRecord> = {}): VectorRecord => ({
  id,
  contentId: `kn_${id}`,
  values,
  category: null,
  isPublic: false,
  model: MODEL,
  ...extra,
});

const stores: [string, () => VectorStore, boolean][] = [
  ["pgvector (exact scan, a small business)", () => createPgvectorStore(db), true],
  ["pgvector (HNSW index, a large business)", () => createPgvectorStore(db, { exactScanMaxChunks: 0, minShareForIndex: 0 }), true],
  ["Pinecone", () => createPineconeStore({ apiKey: pinecone.apiKey, indexHost: pinecone.url, maxRetries: 0 }), false],
];

describe.each(stores)("%s vector store", (name, makeStore, needsRows) => {
  let store: VectorStore;
  let a: string;
  let b: string;
  const tag = name.toLowerCase().replace(/\W+/g, "");
  const id = (s: string) => `chk_${tag}_${s}_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    store = makeStore();
    a = (await createTestBusiness(db)).business.id;
    b = (await createTestBusiness(db)).business.id;
  });

  async function put(businessId: string, records: VectorRecord[]) {
    if (needsRows) await chunkRows(db, businessId, records);
    await store.upsert(businessId, records);
  }

  it("returns upserted vectors nearest first, with cosine similarity as the score", async () => {
    const [near, mid, far] = [id("near"), id("mid"), id("far")];
    await put(a, [record(far, vec(900)), record(mid, vec(10, 11, 1)), record(near, vec(10, 11, 0.2))]);
    const matches = await store.query(a, { vector: vec(10), topK: 3, model: MODEL });
    expect(matches.map((m) => m.id)).toEqual([near, mid, far]);
    // Directions are nearly (not exactly) orthogonal: scores within a few hundredths.
    expect(matches[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.2), 1);
    expect(matches[1]!.score).toBeCloseTo(Math.SQRT1_2, 1);
    expect(Math.abs(matches[2]!.score)).toBeLessThan(0.1);
  });

  it("a query sees only its own business's vectors, even the nearest ones of another business", async () => {
    const mine = id("mine");
    const theirs = id("theirs");
    await put(a, [record(mine, vec(20, 21, 1))]);
    await put(b, [record(theirs, vec(20))]);
    const ids = (await store.query(a, { vector: vec(20), topK: 50, model: MODEL })).map((m) => m.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
    expect((await store.query(b, { vector: vec(20), topK: 50, model: MODEL })).map((m) => m.id)).toEqual([theirs]);
  });

  it("filters by category, by public-only, and by the model that made the vectors", async () => {
    const c = (await createTestBusiness(db)).business.id;
    const [pub, priv, other, foreign] = [id("pub"), id("priv"), id("other"), id("model")];
    await put(c, [
      record(pub, vec(30), { category: "faq", isPublic: true }),
      record(priv, vec(30), { category: "faq", isPublic: false }),
      record(other, vec(30), { category: "pricing", isPublic: true }),
    ]);
    await put(c, [record(foreign, vec(30), { model: "another-model" })]);
    const q = (extra: object) => store.query(c, { vector: vec(30), topK: 10, model: MODEL, ...extra }).then((m) => m.map((x) => x.id).sort());
    expect(await q({})).toEqual([pub, priv, other].sort());
    expect(await q({ category: "faq" })).toEqual([pub, priv].sort());
    expect(await q({ publicOnly: true })).toEqual([pub, other].sort());
    expect(await q({ category: "faq", publicOnly: true })).toEqual([pub]);
  });

  it("deletes exactly the given ids, and deleteBusiness removes one business's vectors only", async () => {
    const d = (await createTestBusiness(db)).business.id;
    const [x, y, z] = [id("x"), id("y"), id("z")];
    const keep = id("keep");
    await put(d, [record(x, vec(40)), record(y, vec(41)), record(z, vec(42))]);
    await put(b, [record(keep, vec(40))]);
    await store.delete(d, [x, z]);
    expect((await store.query(d, { vector: vec(40), topK: 10, model: MODEL })).map((m) => m.id)).toEqual([y]);
    await store.deleteBusiness(d);
    expect(await store.query(d, { vector: vec(40), topK: 10, model: MODEL })).toEqual([]);
    expect((await store.query(b, { vector: vec(40), topK: 10, model: MODEL })).map((m) => m.id)).toContain(keep);
    await store.deleteBusiness(d); // nothing left: still fine
  });
});

describe("Pinecone adapter on the wire", () => {
  it("writes one namespace per business, with the metadata search filters on, in batches under Pinecone's 2 MB limit", async () => {
    const store = createPineconeStore({ apiKey: pinecone.apiKey, indexHost: pinecone.url, maxRetries: 0 });
    const before = pinecone.requests.length;
    const records = Array.from({ length: 250 }, (_, i) => record(`chk_batch_${i}`, vec(i), { contentId: "kn_x", category: i % 2 ? "odd" : null, isPublic: true }));
    await store.upsert("biz_wire", records);
    const upserts = pinecone.requests.slice(before).filter((r) => r.path === "/vectors/upsert");
    // Dense 1536-d vectors are ~17 KB of JSON each: batches stay under Pinecone's 2 MB.
    expect(upserts.length).toBeGreaterThan(1);
    expect(upserts.reduce((n, r) => n + (r.body!.vectors as unknown[]).length, 0)).toBe(250);
    expect(pinecone.namespaces.get("biz_wire")!.size).toBe(250);
    expect(upserts.every((r) => r.namespace === "biz_wire" && r.status === 200)).toBe(true);
    expect(pinecone.namespaces.get("biz_wire")!.get("chk_batch_1")!.metadata).toEqual({ contentId: "kn_x", category: "odd", isPublic: true, model: MODEL });
    expect(pinecone.namespaces.get("biz_wire")!.get("chk_batch_2")!.metadata).toMatchObject({ category: "" });
  });

  it("is the store chosen when PINECONE_API_KEY and PINECONE_INDEX_HOST are set; pgvector otherwise", () => {
    expect(createVectorStore({ db, config: testConfig({ PINECONE_API_KEY: pinecone.apiKey, PINECONE_INDEX_HOST: pinecone.url }) }).kind).toBe("pinecone");
    expect(createVectorStore({ db, config: testConfig({ PINECONE_API_KEY: "" }) }).kind).toBe("pgvector");
  });

  it("a Pinecone outage surfaces as an error (after the SDK's own retries)", async () => {
    const store = createPineconeStore({ apiKey: pinecone.apiKey, indexHost: pinecone.url, maxRetries: 1 });
    pinecone.down(503);
    try {
      await expect(store.upsert("biz_down", [record("chk_down", vec(1))])).rejects.toThrow();
      expect(pinecone.requests.slice(-2).map((r) => r.status)).toEqual([503, 503]);
    } finally {
      pinecone.up();
    }
  });
});
