// What a consumer of the calls API needs beyond the basics: outcome and direction filters on
// every list of calls (GET /v1/calls and the calls widget), and each call's token usage and
// cost. A second business has calls in the same hours, so a dropped filter would show them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallLog } from "@prisma/client";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { call, createSecretKey, createWidgetKey, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
const SITE = "https://www.corner-garage.example";
const until = new Date("2026-05-20T18:00:00Z");
let api: Api;
let mine: TestBusiness;
let theirs: TestBusiness;
let calls: CallLog[];
let key: string;
let pk: string;

beforeAll(async () => {
  api = await startApi();
  [mine, theirs] = [await createTestBusiness(db, { plan: "enterprise" }), await createTestBusiness(db, { plan: "enterprise" })];
  calls = await seedCalls(mine.business, mine.phone.e164, { count: 20, until, spacingMs: 1_800_000 });
  // Every third call is a test call from the dashboard, every seventh an outbound one.
  const scoped = forBusiness(db, mine.business.id);
  for (const [i, c] of calls.entries()) {
    const direction = i % 7 === 3 ? "outbound" : i % 3 === 1 ? "web" : "inbound";
    if (direction !== "inbound") calls[i] = await scoped.callLog.update({ where: { id: c.id }, data: { direction } });
  }
  calls[4] = await scoped.callLog.update({ where: { id: calls[4]!.id }, data: { inputAudioTokens: 1000, outputAudioTokens: 600 } });
  const foreign = await seedCalls(theirs.business, theirs.phone.e164, { count: 20, until, spacingMs: 1_800_000 });
  await forBusiness(db, theirs.business.id).callLog.updateMany({ where: { id: { in: foreign.map((c) => c.id) } }, data: { direction: "web" } });
  key = (await createSecretKey(mine.business, ["calls:read"])).key;
  pk = (await createWidgetKey(mine.business, [SITE])).key;
});
afterAll(async () => {
  await api.close();
});

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe("calls for their consumers", () => {
  it("GET /v1/calls filters by outcome, by direction, and by both with the other filters", async () => {
    for (const outcome of ["resolved", "message_taken", "transferred", "abandoned"] as const) {
      const r = await call(api, "GET", `/v1/calls?limit=100&outcome=${outcome}`, { key });
      expect(r.status, r.text).toBe(200);
      const expected = calls.filter((c) => c.outcome === outcome);
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(r.body.data)).toEqual(ids(expected));
    }
    for (const direction of ["inbound", "outbound", "web"] as const) {
      const r = await call(api, "GET", `/v1/calls?limit=100&direction=${direction}`, { key });
      const expected = calls.filter((c) => c.direction === direction);
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(r.body.data)).toEqual(ids(expected));
      expect(r.body.data.every((c: { direction: string }) => c.direction === direction)).toBe(true);
    }
    const both = await call(api, "GET", "/v1/calls?limit=100&direction=inbound&outcome=resolved&sentiment=positive", { key });
    expect(ids(both.body.data)).toEqual(ids(calls.filter((c) => c.direction === "inbound" && c.outcome === "resolved" && c.sentiment === "positive")));
  });

  it("the outcome and direction filters page through their calls once each", async () => {
    const seen: string[] = [];
    let after = "";
    for (let page = 0; page < 20; page++) {
      const r = await call(api, "GET", `/v1/calls?limit=2&direction=inbound${after}`, { key });
      seen.push(...r.body.data.map((c: { id: string }) => c.id));
      if (!r.body.has_more) break;
      after = `&starting_after=${r.body.data.at(-1).id}`;
    }
    const expected = [...calls].filter((c) => c.direction === "inbound").sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
    expect(seen).toEqual(expected.map((c) => c.id));
  });

  it("unknown outcomes and directions are a 400 naming the parameter", async () => {
    for (const q of ["outcome=hung_up", "direction=sideways"]) {
      const r = await call(api, "GET", `/v1/calls?${q}`, { key });
      expect(r.status, r.text).toBe(400);
      expect(r.body.code).toBe("validation_failed");
      expect(JSON.stringify(r.body.errors)).toContain(q.split("=")[0]);
    }
  });

  it("a call shows its token usage and what it cost, in the list and alone", async () => {
    const c = calls[4]!;
    const [listed] = (await call(api, "GET", `/v1/calls?limit=1&starting_after=${calls[3]!.id}`, { key })).body.data;
    const alone = (await call(api, "GET", `/v1/calls/${c.id}`, { key })).body;
    const usage = { inputTokens: 1204, inputAudioTokens: 1000, outputTokens: 804, outputAudioTokens: 600, costUsdMicros: 15_004 };
    expect(listed).toMatchObject({ id: c.id, ...usage });
    expect(alone).toMatchObject({ id: c.id, ...usage });
  });

  it("the calls widget filters by outcome and direction too, within its business", async () => {
    const web = await call(api, "GET", "/v1/widget/calls?limit=50&direction=web", { key: pk, origin: SITE });
    expect(web.status, web.text).toBe(200);
    expect(ids(web.body.data)).toEqual(ids(calls.filter((c) => c.direction === "web")));
    const taken = await call(api, "GET", "/v1/widget/calls?limit=50&outcome=message_taken&direction=inbound", { key: pk, origin: SITE });
    expect(ids(taken.body.data)).toEqual(ids(calls.filter((c) => c.outcome === "message_taken" && c.direction === "inbound")));
    expect(taken.body.data.length).toBeGreaterThan(0);
  });
});
