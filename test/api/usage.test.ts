// Usage in a period: calls, seconds, billed minutes, tokens and cost, counted here from the
// seeded calls of this business — while another business took calls in the same hours.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallLog } from "@prisma/client";
import { addMember, call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
let biz: TestBusiness;
let other: TestBusiness;
let calls: CallLog[];
let recent: CallLog[];
let key: string;
const until = new Date("2026-04-18T16:00:00Z");

function totals(cs: CallLog[]) {
  return {
    calls: cs.length,
    callSeconds: cs.reduce((n, c) => n + (c.durationSec ?? 0), 0),
    callMinutes: cs.reduce((n, c) => n + Math.ceil((c.durationSec ?? 0) / 60), 0),
    inputTokens: cs.reduce((n, c) => n + c.inputTokens, 0),
    outputTokens: cs.reduce((n, c) => n + c.outputTokens, 0),
    costUsdMicros: cs.reduce((n, c) => n + c.costUsdMicros, 0),
  };
}

beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(db, { plan: "starter", knowledge: [{ title: "Hours", content: "Open 9 to 5." }] });
  await addMember(biz.business, "viewer");
  calls = await seedCalls(biz.business, biz.phone.e164, { count: 30, until, spacingMs: 7 * 3_600_000 });
  // This month's calls, for the default period.
  recent = await seedCalls(biz.business, biz.phone.e164, { count: 3, spacingMs: 60_000 });
  key = (await createSecretKey(biz.business, ["usage:read"])).key;
  // Another business with calls in the same hours, more documents and more members.
  other = await createTestBusiness(db, { plan: "pro", knowledge: [{ title: "A", content: "a" }, { title: "B", content: "b" }] });
  await addMember(other.business, "admin");
  await addMember(other.business, "viewer");
  await seedCalls(other.business, other.phone.e164, { count: 41, until: new Date(until.getTime() - 1_800_000), spacingMs: 5 * 3_600_000 });
  await seedCalls(other.business, other.phone.e164, { count: 4, spacingMs: 90_000 });
});
afterAll(async () => {
  await api.close();
});

describe("usage", () => {
  it("counts this business's calls, minutes, tokens and cost in the period, and none of another's", async () => {
    const from = new Date(until.getTime() - 5 * 86_400_000);
    const r = await call(api, "GET", `/v1/usage?from=${from.toISOString()}&to=${until.toISOString()}`, { key });
    expect(r.status, r.text).toBe(200);
    const inPeriod = calls.filter((c) => c.startedAt >= from && c.startedAt < until);
    expect(inPeriod.length).toBeGreaterThan(5);
    expect(r.body).toMatchObject({ from: from.toISOString(), to: until.toISOString(), plan: "starter", ...totals(inPeriod), knowledgeDocuments: 1, members: 2 });
    expect(r.body.limits).toMatchObject({ knowledgeDocuments: expect.any(Number), concurrentCalls: expect.any(Number) });
  });

  it("without a period, counts this calendar month (UTC)", async () => {
    const r = await call(api, "GET", "/v1/usage", { key });
    expect(r.status, r.text).toBe(200);
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    expect(r.body.from).toBe(monthStart.toISOString());
    const thisMonth = [...calls, ...recent].filter((c) => c.startedAt >= monthStart);
    expect(r.body).toMatchObject(totals(thisMonth));
  });

  it("a period that ends before it starts is refused", async () => {
    const r = await call(api, "GET", `/v1/usage?from=${until.toISOString()}&to=${until.toISOString()}`, { key });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("validation_failed");
  });
});
