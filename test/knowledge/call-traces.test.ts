// Each knowledge search made during a call is kept with the call, in the transcript's tool
// entry: the question, the documents and chunks that answered with their scores, and whether
// full text alone answered. The Calls API returns it with the transcript, to its business only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendTranscriptSegment } from "@frontdesk/core/calls/append-transcript-segment";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { traceOf } from "@frontdesk/core/knowledge/search-trace";
import type { Embedder } from "@frontdesk/core/knowledge/embedders/embedder";
import { createLocalEmbedder } from "@frontdesk/core/knowledge/embedders/local-embedder";
import { call, createSecretKey, startApi, type Api } from "../api/support/api-harness.ts";
import { seedCalls } from "../api/support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
let mine: TestBusiness;
let theirs: TestBusiness;
let callId: string;
let key: string;
let theirKey: string;

const DOCS = [
  { title: "Opening hours", content: "We are open Monday to Friday 9am to 5pm, and Saturday 10am to 2pm." },
  { title: "Parking", content: "Free parking behind the building, entrance on Elm Street." },
];

beforeAll(async () => {
  api = await startApi();
  mine = await createTestBusiness(db, { knowledge: DOCS });
  theirs = await createTestBusiness(db, { knowledge: DOCS });
  const [c] = await seedCalls(mine.business, mine.phone.e164, { count: 1, withTranscript: true });
  callId = c!.id;
  const scoped = tenantDb(db, mine.business.id);
  const search = createKnowledgeSearch({ db });
  const down: Embedder = { ...createLocalEmbedder(), embedQuery: () => Promise.reject(new Error("503")) };
  const hybrid = await search.answer({ businessId: mine.business.id, query: "Is there parkng?", limit: 3 });
  const textOnly = await createKnowledgeSearch({ db, embedder: down }).answer({ businessId: mine.business.id, query: "Saturday opening hours", limit: 3 });
  const base = { businessId: mine.business.id, callId, role: "tool" as const, toolName: "search_knowledge_base" };
  // As the relay writes a knowledge tool call (realtime/src/session/tool-calls.ts).
  await appendTranscriptSegment(scoped, {
    ...base, sequence: 100, startMs: 1000, endMs: 1040, latencyMs: 40, text: "search_knowledge_base(...)",
    tool: { name: "search_knowledge_base", arguments: { query: "Is there parkng?" }, ok: true, summary: "1 found: Parking", knowledge: traceOf("Is there parkng?", hybrid) },
  });
  await appendTranscriptSegment(scoped, {
    ...base, sequence: 101, startMs: 2000, text: "search_knowledge_base(...)",
    tool: { name: "search_knowledge_base", arguments: { query: "Saturday opening hours" }, ok: true, summary: "1 found", knowledge: traceOf("Saturday opening hours", textOnly) },
  });
  await appendTranscriptSegment(scoped, {
    ...base, sequence: 102, startMs: 3000, toolName: "take_message", text: "take_message(...) failed",
    tool: { name: "take_message", arguments: "{not json", ok: false, summary: "arguments: invalid JSON", knowledge: null },
  });
  key = (await createSecretKey(mine.business, ["calls:read"])).key;
  theirKey = (await createSecretKey(theirs.business, ["calls:read"])).key;
});
afterAll(async () => {
  await api.close();
});

describe("knowledge searches kept with the call", () => {
  it("the transcript's tool entries name the documents and chunks that answered, with scores and ranks", async () => {
    const r = await call(api, "GET", `/v1/calls/${callId}/transcript`, { key });
    expect(r.status, r.text).toBe(200);
    const tools = r.body.data.filter((s: { role: string }) => s.role === "tool");
    const [typo, textOnly, failed] = tools;
    const parking = await db.rAGContent.findFirstOrThrow({ where: { businessId: mine.business.id, title: "Parking" } });

    expect(typo.tool).toMatchObject({ name: "search_knowledge_base", arguments: { query: "Is there parkng?" }, ok: true, summary: "1 found: Parking" });
    expect(typo.tool.knowledge).toMatchObject({ query: "Is there parkng?", mode: "hybrid", degraded: false, reason: null, fullTextOnly: false });
    // Only the vectors see through the typo: the hit's vector rank says where the answer came from.
    expect(typo.tool.knowledge.hits[0]).toMatchObject({ contentId: parking.id, title: "Parking", chunkId: expect.stringMatching(/^chk_/), textRank: null, vectorRank: 1 });
    expect(typo.tool.knowledge.hits[0].score).toBeGreaterThan(0);
    expect(typo.tool.knowledge.hits[0].similarity).toBeGreaterThan(0);

    expect(textOnly.tool.knowledge).toMatchObject({ mode: "text", degraded: true, reason: "embedding_failed", fullTextOnly: true });
    expect(textOnly.tool.knowledge.hits[0]).toMatchObject({ title: "Opening hours", textRank: 1, vectorRank: null, similarity: null });

    expect(failed.tool).toEqual({ name: "take_message", arguments: "{not json", ok: false, summary: "arguments: invalid JSON", knowledge: null });
    // Other entries carry no tool.
    expect(r.body.data.filter((s: { role: string }) => s.role !== "tool").every((s: { tool: unknown }) => s.tool === null)).toBe(true);
  });

  it("another business cannot read the call's transcript or its traces", async () => {
    const r = await call(api, "GET", `/v1/calls/${callId}/transcript`, { key: theirKey });
    expect(r.status).toBe(404);
    expect(r.text).not.toContain("Parking");
  });
});
