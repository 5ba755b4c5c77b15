// Calls through the API: newest-first cursor pagination that visits every call once,
// filters by date, status, sentiment and text, one call's transcript and messages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallLog } from "@prisma/client";
import { call, createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
let biz: TestBusiness;
let calls: CallLog[];
let key: string;
const until = new Date("2026-06-30T18:00:00Z");

beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(db, { plan: "enterprise" });
  calls = await seedCalls(biz.business, biz.phone.e164, { count: 45, until, spacingMs: 3 * 3_600_000, withTranscript: true });
  key = (await createSecretKey(biz.business, ["calls:write"])).key;
  // Another business's calls in the same hours, with the same words and numbers: never listed here.
  const neighbour = await createTestBusiness(db, { plan: "enterprise" });
  await seedCalls(neighbour.business, neighbour.phone.e164, { count: 30, until: new Date(until.getTime() - 5_400_000), spacingMs: 3 * 3_600_000, withTranscript: true });
});
afterAll(async () => {
  await api.close();
});

async function allPages(query: string, limit: number) {
  const seen: { id: string; startedAt: string }[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await call(api, "GET", `/v1/calls?limit=${limit}${query}${after ? `&starting_after=${after}` : ""}`, { key });
    expect(r.status, r.text).toBe(200);
    seen.push(...r.body.data);
    if (!r.body.has_more) return seen;
    after = r.body.data.at(-1).id;
  }
  throw new Error("pagination did not end");
}

describe("calls", () => {
  it("pages through every call exactly once, newest first", async () => {
    const seen = await allPages("", 7);
    expect(seen.map((c) => c.id)).toEqual([...calls].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()).map((c) => c.id));
  });

  it("a page is `limit` long and says whether more follow", async () => {
    const r = await call(api, "GET", "/v1/calls?limit=10", { key });
    expect(r.body).toMatchObject({ object: "list", has_more: true });
    expect(r.body.data).toHaveLength(10);
    const last = await call(api, "GET", `/v1/calls?limit=100`, { key });
    expect(last.body.has_more).toBe(false);
    expect(last.body.data).toHaveLength(45);
    const tooBig = await call(api, "GET", "/v1/calls?limit=101", { key });
    expect(tooBig.status).toBe(400);
  });

  it("filters by start time, status and sentiment, and combines with pagination", async () => {
    const from = new Date(until.getTime() - 24 * 3_600_000);
    const day = await allPages(`&from=${from.toISOString()}&to=${until.toISOString()}`, 3);
    const expected = calls.filter((c) => c.startedAt >= from && c.startedAt < until);
    expect(day.map((c) => c.id).sort()).toEqual(expected.map((c) => c.id).sort());
    const missed = await allPages("&status=no_answer", 2);
    expect(missed.map((c) => c.id).sort()).toEqual(calls.filter((c) => c.status === "no_answer").map((c) => c.id).sort());
    const negative = await allPages("&sentiment=negative", 50);
    expect(negative.length).toBe(calls.filter((c) => c.sentiment === "negative").length);
    expect(negative.every((c: any) => c.sentiment === "negative")).toBe(true);
    expect((await call(api, "GET", `/v1/calls?from=${until.toISOString()}&to=${from.toISOString()}`, { key })).status).toBe(400);
    expect((await call(api, "GET", "/v1/calls?status=exploded", { key })).status).toBe(400);
  });

  it("finds calls by words the caller said, by summary and by number", async () => {
    const byTranscript = await allPages("&q=PARKING", 50);
    expect(byTranscript.length).toBeGreaterThan(0);
    expect(byTranscript.length).toBe(calls.filter((c) => c.summary!.includes("parking")).length);
    const byNumber = await allPages(`&q=${encodeURIComponent("+442071838750")}`, 50);
    expect(byNumber.length).toBe(calls.filter((c) => c.fromNumber === "+442071838750").length);
    expect((await call(api, "GET", "/v1/calls?q=zebra-crossing-nowhere", { key })).body.data).toEqual([]);
  });

  it("a call, its transcript in order, and the messages taken on it", async () => {
    const withMessage = calls.find((c) => c.outcome === "message_taken")!;
    const one = await call(api, "GET", `/v1/calls/${withMessage.id}`, { key });
    expect(one.body).toMatchObject({ id: withMessage.id, from: withMessage.fromNumber, to: biz.phone.e164, outcome: "message_taken", durationSec: withMessage.durationSec });
    const transcript = await call(api, "GET", `/v1/calls/${withMessage.id}/transcript`, { key });
    expect(transcript.body.callId).toBe(withMessage.id);
    expect(transcript.body.data.map((s: { sequence: number }) => s.sequence)).toEqual([0, 1, 2]);
    expect(transcript.body.data[1]).toMatchObject({ role: "caller", startMs: 2600 });
    const messages = await call(api, "GET", `/v1/calls/${withMessage.id}/messages`, { key });
    expect(messages.body.data).toEqual([expect.objectContaining({ callerName: "Dana Whitfield", callbackNumber: withMessage.fromNumber, status: "new" })]);
  });

  it("messages can be listed across calls and marked handled, by owners and keys with calls:write", async () => {
    const list = await call(api, "GET", "/v1/messages?status=new&limit=100", { key });
    expect(list.body.data.length).toBe(calls.filter((c) => c.outcome === "message_taken").length);
    const target = list.body.data[0];
    const handled = await call(api, "PATCH", `/v1/messages/${target.id}`, { key, body: { status: "handled" } });
    expect(handled.body).toMatchObject({ id: target.id, status: "handled", handledAt: expect.any(String) });
    const owner = await sessionFor(api, biz.owner);
    const reopened = await call(api, "PATCH", `/v1/messages/${target.id}`, { session: owner, body: { status: "new" } });
    expect(reopened.body).toMatchObject({ status: "new", handledAt: null });
    const readOnly = (await createSecretKey(biz.business, ["calls:read"])).key;
    expect((await call(api, "PATCH", `/v1/messages/${target.id}`, { key: readOnly, body: { status: "handled" } })).status).toBe(403);
  });

  it("a starting_after naming no call of the business is refused with 400, and the last call gives an empty last page", async () => {
    const other = await createTestBusiness(db);
    const [foreign] = await seedCalls(other.business, other.phone.e164, { count: 1, until, spacingMs: 60_000 });
    for (const after of [foreign!.id, "call_00000000000000000000000000"]) {
      const r = await call(api, "GET", `/v1/calls?starting_after=${after}`, { key });
      expect(r.status, r.text).toBe(400);
      expect(r.body.code).toBe("validation_failed");
      expect(r.body.errors).toEqual([{ path: "query.starting_after", message: "unknown call" }]);
    }
    const oldest = [...calls].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())[0]!;
    const end = await call(api, "GET", `/v1/calls?starting_after=${oldest.id}`, { key });
    expect(end.status, end.text).toBe(200);
    expect(end.body).toEqual({ object: "list", data: [], has_more: false });
  });

  it("an unknown call id answers 404 problem+json", async () => {
    const r = await call(api, "GET", "/v1/calls/call_00000000000000000000000000", { key });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe("not_found");
  });
});
