// The knowledge widget's `limit` is what the contract says (1–100) with and without a search:
// a search with a limit of 51–100 answers its best matches (at most 50) instead of refusing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createWidgetKey, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const SITE = "https://www.bread-and-butter.example";
const BREADS = ["sourdough", "rye", "brioche", "focaccia", "ciabatta", "baguette", "challah", "pumpernickel"];
let api: Api;
let biz: TestBusiness;
let other: TestBusiness;
let pk: string;

beforeAll(async () => {
  api = await startApi();
  const docs = Array.from({ length: 64 }, (_, i) => ({
    title: `Bread ${i + 1}: ${BREADS[i % BREADS.length]}`,
    content: `Our ${BREADS[i % BREADS.length]} loaf number ${i + 1} is baked fresh every morning; ask about bread ${i + 1}.`,
    isPublic: true,
  }));
  biz = await createTestBusiness(testDb(), { plan: "enterprise", knowledge: docs });
  other = await createTestBusiness(testDb(), { plan: "enterprise", knowledge: [{ title: "Their bread", content: "Another bakery's bread, never shown here.", isPublic: true }] });
  pk = (await createWidgetKey(biz.business, [SITE])).key;
});
afterAll(async () => {
  await api.close();
});

describe("the knowledge widget's limit", () => {
  it("lists up to 100 documents without a search", async () => {
    const r = await call(api, "GET", "/v1/widget/knowledge?limit=100", { key: pk, origin: SITE });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toHaveLength(64);
    expect(r.text).not.toContain("Another bakery");
  });

  it.each([51, 80, 100])("with a search, limit=%i answers the best matches, at most 50", async (limit) => {
    const r = await call(api, "GET", `/v1/widget/knowledge?q=bread&limit=${limit}`, { key: pk, origin: SITE });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    expect(r.body.data.length).toBeLessThanOrEqual(50);
    expect(new Set(r.body.data.map((d: { id: string }) => d.id)).size).toBe(r.body.data.length);
    expect(r.text).not.toContain("Another bakery");
  });

  it("a search within 1–50 still answers at most that many", async () => {
    const r = await call(api, "GET", "/v1/widget/knowledge?q=sourdough&limit=3", { key: pk, origin: SITE });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    expect(r.body.data.length).toBeLessThanOrEqual(3);
    expect(r.body.data[0].title).toMatch(/sourdough/);
  });

  it("outside 1–100 is a 400 validation problem, with or without a search", async () => {
    for (const q of ["limit=101", "q=bread&limit=101", "q=bread&limit=0"]) {
      const r = await call(api, "GET", `/v1/widget/knowledge?${q}`, { key: pk, origin: SITE });
      expect(r.status, `${q}: ${r.text}`).toBe(400);
      expect(r.body.code).toBe("validation_failed");
    }
  });
});
