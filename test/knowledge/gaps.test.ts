// Knowledge gaps: what callers asked that the knowledge base could not answer (a search with no
// hit, or the agent saying it does not know), collected from finished calls per business,
// grouped when they ask the same thing, counted, linked to their calls; listed newest or most
// frequent first, turned into a document draft, or dismissed for good. A second business asks
// the same questions: it never sees the first one's gaps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallLog } from "@prisma/client";
import { appendTranscriptSegment } from "@frontdesk/core/calls/append-transcript-segment";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { traceOf } from "@frontdesk/core/knowledge/search-trace";
import { collectKnowledgeGaps } from "@frontdesk/core/knowledge/gaps/collect-knowledge-gaps";
import { gapSignals } from "@frontdesk/core/knowledge/gaps/gap-signals";
import { call, createSecretKey, startApi, type Api } from "../api/support/api-harness.ts";
import { seedCalls } from "../api/support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
const search = createKnowledgeSearch({ db });
let api: Api;
let mine: TestBusiness;
let theirs: TestBusiness;
let calls: CallLog[];
let key: string;
let theirKey: string;

const DOCS = [
  { title: "Opening hours", content: "We are open Monday to Friday 9am to 5pm, and Saturday 10am to 2pm." },
  { title: "Parking", content: "Free parking behind the building, entrance on Elm Street." },
];

type Turn = { caller: string } | { search: string } | { agent: string };

/** Writes a call's transcript as the relay does, each search run for real and traced. */
async function converse(business: TestBusiness, callId: string, turns: Turn[]) {
  const scoped = tenantDb(db, business.business.id);
  for (const [i, t] of turns.entries()) {
    const base = { businessId: business.business.id, callId, sequence: 10 + i, startMs: 10_000 + i * 1000 };
    if ("caller" in t) await appendTranscriptSegment(scoped, { ...base, role: "caller", text: t.caller });
    else if ("agent" in t) await appendTranscriptSegment(scoped, { ...base, role: "agent", text: t.agent });
    else {
      const answer = await search.answer({ businessId: business.business.id, query: t.search, limit: 3 });
      await appendTranscriptSegment(scoped, {
        ...base, role: "tool", toolName: "search_knowledge_base", text: `search_knowledge_base(${t.search})`,
        tool: { name: "search_knowledge_base", arguments: { query: t.search }, ok: true, summary: "", knowledge: traceOf(t.search, answer) },
      });
    }
  }
}

const GIFT = [{ caller: "Hi, do you sell gift cards?" }, { search: "gift cards" }, { agent: "I'm not sure about that, sorry." }];

beforeAll(async () => {
  api = await startApi();
  mine = await createTestBusiness(db, { knowledge: DOCS });
  theirs = await createTestBusiness(db, { knowledge: DOCS });
  // calls[0] is the newest, one hour apart.
  calls = await seedCalls(mine.business, mine.phone.e164, { count: 4, withTranscript: true });
  await converse(mine, calls[2]!.id, GIFT);
  await converse(mine, calls[1]!.id, [{ caller: "Can I buy a gift card for my sister?" }, { search: "buy gift card" }, { agent: "I couldn't find that." }]);
  await converse(mine, calls[0]!.id, [
    { caller: "What time do you open on Saturday?" }, { search: "opening hours Saturday" }, { agent: "We open at 10am on Saturday." },
    { caller: "Can I bring my dog along?" }, { agent: "I don't know, I'm afraid." },
  ]);
  const [theirCall] = await seedCalls(theirs.business, theirs.phone.e164, { count: 1 });
  await converse(theirs, theirCall!.id, [...GIFT, { caller: "Do you sell wine?" }, { search: "wine" }]);
  for (const c of [calls[2]!, calls[1]!, calls[0]!, calls[2]!]) await collectKnowledgeGaps(tenantDb(db, mine.business.id), c.id);
  await collectKnowledgeGaps(tenantDb(db, theirs.business.id), theirCall!.id);
  key = (await createSecretKey(mine.business, ["knowledge:write"])).key;
  theirKey = (await createSecretKey(theirs.business, ["knowledge:write"])).key;
});
afterAll(async () => {
  await api.close();
});

describe("knowledge gaps", () => {
  it("reads a call for unanswered questions: no hit, weak hits only, or the agent not knowing", () => {
    const trace = (hits: { textRank: number | null; similarity: number | null }[]) => ({ knowledge: { query: "q", hits } });
    const signals = gapSignals([
      { role: "caller", text: "Do you do repairs?", startMs: 0, tool: null },
      { role: "tool", text: "", startMs: 100, tool: trace([]) },
      { role: "agent", text: "I'm not sure.", startMs: 200, tool: null },
      { role: "caller", text: "And refunds?", startMs: 300, tool: null },
      { role: "tool", text: "", startMs: 400, tool: trace([{ textRank: null, similarity: 0.1 }]) },
      { role: "caller", text: "Where is the parking?", startMs: 500, tool: null },
      { role: "tool", text: "", startMs: 600, tool: trace([{ textRank: 1, similarity: null }]) },
      { role: "agent", text: "Behind the building.", startMs: 700, tool: null },
      { role: "caller", text: "Can I bring my dog?", startMs: 800, tool: null },
      { role: "agent", text: "I do not know, sorry.", startMs: 900, tool: null },
    ]);
    expect(signals).toEqual([
      { question: "q", reason: "no_hit", atMs: 100 },
      { question: "q", reason: "weak_hits", atMs: 400 },
      { question: "Can I bring my dog?", reason: "agent_unsure", atMs: 800 },
    ]);
  });

  it("groups the same question asked in different words, counts each call once, links the calls, newest first", async () => {
    const r = await call(api, "GET", "/v1/knowledge/gaps", { key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data.map((g: { question: string }) => g.question)).toEqual(["Can I bring my dog along?", "gift cards"]);
    const [dog, gift] = r.body.data;
    expect(dog).toMatchObject({ count: 1, status: "open", calls: [{ callId: calls[0]!.id, reason: "agent_unsure" }] });
    // Collected twice from calls[2] (a retried job): still one count per call.
    expect(gift).toMatchObject({ count: 2, status: "open", draftContentId: null });
    expect(gift.calls.map((c: { callId: string; question: string; reason: string }) => [c.callId, c.question, c.reason])).toEqual([
      [calls[1]!.id, "buy gift card", "no_hit"],
      [calls[2]!.id, "gift cards", "no_hit"],
    ]);
  });

  it("lists the most frequent first, and pages", async () => {
    const frequent = await call(api, "GET", "/v1/knowledge/gaps?sort=frequent", { key });
    expect(frequent.body.data.map((g: { question: string }) => g.question)).toEqual(["gift cards", "Can I bring my dog along?"]);
    const first = await call(api, "GET", "/v1/knowledge/gaps?sort=frequent&limit=1", { key });
    expect(first.body).toMatchObject({ has_more: true, data: [{ question: "gift cards" }] });
    const next = await call(api, "GET", `/v1/knowledge/gaps?sort=frequent&limit=1&starting_after=${first.body.data[0].id}`, { key });
    expect(next.body).toMatchObject({ has_more: false, data: [{ question: "Can I bring my dog along?" }] });
  });

  it("never shows another business's gaps, nor lets it act on them", async () => {
    const theirsList = await call(api, "GET", "/v1/knowledge/gaps", { key: theirKey });
    expect(theirsList.body.data.map((g: { question: string }) => g.question).sort()).toEqual(["gift cards", "wine"]);
    const mineList = await call(api, "GET", "/v1/knowledge/gaps", { key });
    const myGap = mineList.body.data[0].id;
    expect(theirsList.body.data.map((g: { id: string }) => g.id)).not.toContain(myGap);
    expect((await call(api, "POST", `/v1/knowledge/gaps/${myGap}/dismiss`, { key: theirKey })).status).toBe(404);
    expect((await call(api, "POST", `/v1/knowledge/gaps/${myGap}/draft`, { key: theirKey })).status).toBe(404);
    expect((await call(api, "GET", `/v1/knowledge/gaps?starting_after=${theirsList.body.data[0].id}`, { key })).status).toBe(400);
  });

  it("turns a gap into a document draft the agent does not read until it is edited", async () => {
    const gift = (await call(api, "GET", "/v1/knowledge/gaps?sort=frequent", { key })).body.data[0];
    const drafted = await call(api, "POST", `/v1/knowledge/gaps/${gift.id}/draft`, { key });
    expect(drafted.status, drafted.text).toBe(201);
    expect(drafted.body).toMatchObject({ title: "gift cards", status: "draft" });
    expect(drafted.body.content).toContain("- buy gift card");
    const again = await call(api, "POST", `/v1/knowledge/gaps/${gift.id}/draft`, { key });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(drafted.body.id);

    const open = await call(api, "GET", "/v1/knowledge/gaps", { key });
    expect(open.body.data.map((g: { id: string }) => g.id)).not.toContain(gift.id);
    const draftedList = await call(api, "GET", "/v1/knowledge/gaps?status=drafted", { key });
    expect(draftedList.body.data).toMatchObject([{ id: gift.id, status: "drafted", draftContentId: drafted.body.id }]);

    // A draft is not searchable; once the business writes the answer in, it is.
    expect((await search.search({ businessId: mine.business.id, query: "gift cards" })).map((h) => h.title)).not.toContain("gift cards");
    const edited = await call(api, "PATCH", `/v1/knowledge/${drafted.body.id}`, { key, body: { content: "Gift cards from $25, sold at the front desk." } });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.status).toBe("pending");
  });

  it("a dismissed gap stays dismissed when the question is asked again, though it still counts", async () => {
    const dog = (await call(api, "GET", "/v1/knowledge/gaps", { key })).body.data.find((g: { question: string }) => g.question.includes("dog"));
    const dismissed = await call(api, "POST", `/v1/knowledge/gaps/${dog.id}/dismiss`, { key });
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(dismissed.body).toMatchObject({ id: dog.id, status: "dismissed" });

    await converse(mine, calls[3]!.id, [{ caller: "Could I bring my dogs with me?" }, { agent: "I'm not sure, sorry." }]);
    await collectKnowledgeGaps(tenantDb(db, mine.business.id), calls[3]!.id);
    const open = await call(api, "GET", "/v1/knowledge/gaps", { key });
    expect(open.body.data.map((g: { question: string }) => g.question)).not.toContain("Can I bring my dog along?");
    const list = await call(api, "GET", "/v1/knowledge/gaps?status=dismissed", { key });
    expect(list.body.data).toMatchObject([{ id: dog.id, status: "dismissed", count: 2 }]);
  });
});
