// The calls list presents its rows from the text PostgreSQL sends (present.ts
// presentCallText): byte for byte the JSON of presenting the typed rows (presentCall), on
// awkward text, nulls, every status, scores JavaScript and PostgreSQL write differently,
// filters and cursors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { createReadPool, type ReadPool } from "../../api/src/read/read-pool.ts";
import { isoFromTimestampText, timestampFromText } from "../../api/src/read/pg-text.ts";
import { tenantReader, type TenantReader } from "../../api/src/read/tenant-reader.ts";
import type { CallListQuery } from "../../api/src/read/list-calls-page.ts";
import { toPage } from "../../api/src/http/pagination.ts";
import { presentCall, presentCallText } from "../../api/src/routes/present.ts";
import { call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let pool: ReadPool;
let biz: TestBusiness;
const until = new Date("2026-03-01T10:00:00.120Z");

const AWKWARD_TEXT = [
  'quote " backslash \\ slash / tab \t newline \n return \r',
  "controls \u0001\u0008\u000b\u000c\u001f\u007f",
  "non-ASCII héllo “curly” 🙂 \u2028\u2029 \ufeff",
  "",
];
const STATUSES = ["queued", "ringing", "in_progress", "completed", "busy", "failed", "no_answer", "canceled"] as const;
// PostgreSQL writes 9.99e-05, 1e+15, 1e-07 and -0 where JavaScript writes 0.0000999,
// 1000000000000000, 1e-7 and 0.
const SCORES = [null, 0, -0, 0.1, 0.30000000000000004, -0.5, 1, 1e-4, 0.0000999, 2 / 3, 1e15, -1e-7, 99999999999999.9];

beforeAll(async () => {
  pool = createReadPool(process.env.DATABASE_URL!, 2);
  biz = await createTestBusiness(db);
  const scoped = forBusiness(db, biz.business.id);
  for (let i = 0; i < 26; i++) {
    // Milliseconds .120, .113, .106: PostgreSQL writes .12, .113, .106.
    const startedAt = new Date(until.getTime() - i * 3_600_000 - (i % 3) * 7);
    const bare = i % 4 === 3;
    await scoped.callLog.create({
      data: {
        businessId: biz.business.id,
        callSid: `CApagejson${biz.business.id.slice(-6)}${i}`,
        direction: i % 5 === 0 ? "outbound" : "inbound",
        fromNumber: `+1415555${String(1000 + i)}`,
        toNumber: biz.phone.e164,
        status: STATUSES[i % STATUSES.length]!,
        startedAt,
        answeredAt: bare ? null : new Date(startedAt.getTime() + 2000),
        endedAt: bare ? null : new Date(startedAt.getTime() + 61_999),
        durationSec: bare ? null : 60 + i,
        endReason: bare ? null : "caller_hangup",
        transferredTo: i % 6 === 1 ? "+15550109999" : null,
        summary: bare ? null : AWKWARD_TEXT[i % AWKWARD_TEXT.length],
        sentiment: bare ? null : (["positive", "neutral", "negative"] as const)[i % 3],
        sentimentScore: SCORES[i % SCORES.length],
        outcome: bare ? null : (["resolved", "message_taken", "transferred", "abandoned"] as const)[i % 4],
        topics: i % 3 === 0 ? [] : [AWKWARD_TEXT[i % AWKWARD_TEXT.length]!, "booking", "{braces}, \"quotes\""],
        analysisStatus: bare ? "pending" : "done",
        inputTokens: 1000 + i,
        inputAudioTokens: i,
        outputTokens: 700 + i,
        outputAudioTokens: 2 * i,
        costUsdMicros: 12_000 + i,
        answeredBy: i % 5 === 1 ? "human" : i % 5 === 2 ? "machine_start" : null,
        // A finished recording, one still being made, a SID without a status yet, none.
        recordingSid: i % 4 === 3 ? null : `RE${biz.business.id.slice(-6)}${i}`,
        recordingStatus: i % 4 === 0 ? "completed" : i % 4 === 1 ? "in-progress" : null,
        recordingDurationSec: i % 4 === 0 ? 55 + i : null,
      },
    });
  }
  // Prisma writes -0 as 0; PostgreSQL keeps a -0 it is given (and writes "-0"), and NaN.
  await db.$executeRaw`UPDATE "CallLog" SET "sentimentScore" = '-0'::float8 WHERE "businessId" = ${biz.business.id} AND "sentimentScore" = 0`;
  await db.$executeRaw`UPDATE "CallLog" SET "sentimentScore" = 'NaN'::float8 WHERE "businessId" = ${biz.business.id} AND "sentimentScore" = 1`;
});
afterAll(async () => {
  await pool.end();
});

/** The page as presenting the typed rows writes it. */
async function presented(read: TenantReader, q: CallListQuery): Promise<string | null> {
  const rows = await read.callsPage({ ...q, limit: q.limit + 1 });
  return rows && JSON.stringify(toPage(rows, { limit: q.limit }, presentCall));
}

/** The page as the list writes it. */
async function written(read: TenantReader, q: CallListQuery): Promise<string | null> {
  const rows = await read.callsPageText({ ...q, limit: q.limit + 1 });
  return rows && JSON.stringify(toPage(rows, { limit: q.limit }, presentCallText));
}

describe("a calls page presented from PostgreSQL's text", () => {
  it("is the typed presentation's bytes, page after page and with filters", async () => {
    const read = tenantReader(pool, biz.business.id);
    const queries: CallListQuery[] = [
      { limit: 20 },
      { limit: 100 },
      { limit: 1 },
      { limit: 5, status: "in_progress" },
      { limit: 5, direction: "outbound" },
      { limit: 5, q: "héllo" },
      { limit: 5, status: "busy", q: "no such words" },
      { limit: 5, from: new Date(until.getTime() - 10 * 3_600_000).toISOString(), to: until.toISOString() },
    ];
    for (const q of queries) expect(await written(read, q), JSON.stringify(q)).toBe(await presented(read, q));
    let after: string | undefined;
    let pages = 0;
    do {
      const q = { limit: 7, startingAfter: after };
      const json = await written(read, q);
      expect(json).toBe(await presented(read, q));
      const page = JSON.parse(json!);
      after = page.has_more ? page.data.at(-1).id : undefined;
      pages++;
    } while (after);
    expect(pages).toBe(4);
    // A cursor naming no call of this business.
    expect(await written(read, { limit: 5, startingAfter: "call_nope" })).toBeNull();
  });

  it("reads times as the typed read does, also those it cannot read", () => {
    for (const v of ["2026-05-01 09:30:00", "2026-05-01 09:30:00.5", "2026-05-01 09:30:00.12", "2026-05-01 09:30:00.123", "0999-01-01 00:00:00.1", "2026-05-01 09:30:00.1234"]) {
      expect(isoFromTimestampText(v), v).toBe(timestampFromText(v).toISOString());
    }
    for (const v of ["10000-01-01 00:00:00", "0001-01-01 00:00:00 BC", "infinity"]) expect(() => isoFromTimestampText(v), v).toThrow(RangeError);
  });
});

describe("GET /v1/calls", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi({ validateResponses: false });
  });
  afterAll(async () => {
    await api.close();
  });

  it("answers those bytes", async () => {
    const key = (await createSecretKey(biz.business, ["calls:read"])).key;
    const r = await call(api, "GET", "/v1/calls?limit=30", { key });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(r.text).toBe(await presented(tenantReader(pool, biz.business.id), { limit: 30 }));
  });
});
