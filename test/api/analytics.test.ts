// Analytics over the business's own days: counted independently here from the seeded calls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallLog } from "@prisma/client";
import { call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
const TZ = "America/Los_Angeles";
let api: Api;
let biz: TestBusiness;
let calls: CallLog[];
let key: string;

const localDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);

beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(db, { plan: "enterprise", timezone: TZ });
  // 40 calls, one every 5 hours back from a fixed time: they straddle local midnights.
  calls = await seedCalls(biz.business, biz.phone.e164, { count: 40, until: new Date("2026-03-20T07:30:00Z"), spacingMs: 5 * 3_600_000 });
  key = (await createSecretKey(biz.business, ["analytics:read"])).key;
  // Another business that took calls in the same hours: none of them may count above.
  const other = await createTestBusiness(db, { plan: "enterprise", timezone: TZ });
  await seedCalls(other.business, other.phone.e164, { count: 33, until: new Date("2026-03-20T05:00:00Z"), spacingMs: 4 * 3_600_000 });
});
afterAll(async () => {
  await api.close();
});

describe("analytics", () => {
  it("counts calls and minutes per local day, with distributions and top topics for the range, of this business only", async () => {
    const from = "2026-03-13";
    const to = "2026-03-19";
    const r = await call(api, "GET", `/v1/analytics?from=${from}&to=${to}`, { key });
    expect(r.status, r.text).toBe(200);
    const inRange = calls.filter((c) => localDay(c.startedAt) >= from && localDay(c.startedAt) <= to);
    expect(r.body.timezone).toBe(TZ);
    expect(r.body.totalCalls).toBe(inRange.length);
    const seconds = inRange.reduce((n, c) => n + c.durationSec!, 0);
    expect(r.body.totalDurationSec).toBe(seconds);
    expect(r.body.totalMinutes).toBe(Math.round((seconds / 60) * 10) / 10);
    expect(r.body.averageDurationSec).toBeCloseTo(seconds / inRange.length, 0);
    expect(r.body.callsPerDay).toHaveLength(7);
    for (const day of r.body.callsPerDay) {
      const those = inRange.filter((c) => localDay(c.startedAt) === day.date);
      expect(day).toEqual({ date: day.date, calls: those.length, durationSec: those.reduce((n, c) => n + c.durationSec!, 0) });
    }
    const count = (pick: (c: CallLog) => unknown, v: unknown) => inRange.filter((c) => pick(c) === v).length;
    expect(r.body.sentiment).toEqual({
      positive: count((c) => c.sentiment, "positive"),
      neutral: count((c) => c.sentiment, "neutral"),
      negative: count((c) => c.sentiment, "negative"),
      unknown: count((c) => c.sentiment, null),
    });
    expect(r.body.outcomes.message_taken).toBe(count((c) => c.outcome, "message_taken"));
    const topicCounts = new Map<string, number>();
    for (const c of inRange) for (const t of c.topics) topicCounts.set(t, (topicCounts.get(t) ?? 0) + 1);
    const top = [...topicCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
    expect(r.body.topTopics).toEqual(top.map(([topic, n]) => ({ topic, count: n })));
  });

  it("a range in the wrong order, too long, or with an impossible date is refused", async () => {
    expect((await call(api, "GET", "/v1/analytics?from=2026-03-19&to=2026-03-13", { key })).status).toBe(400);
    expect((await call(api, "GET", "/v1/analytics?from=2024-01-01&to=2026-03-13", { key })).status).toBe(400);
    expect((await call(api, "GET", "/v1/analytics?from=2026-02-30", { key })).status).toBe(400);
  });

  it("without a range, the last 30 days ending today", async () => {
    const r = await call(api, "GET", "/v1/analytics", { key });
    expect(r.body.callsPerDay).toHaveLength(30);
    expect(r.body.to).toBe(localDay(new Date()));
  });
});
