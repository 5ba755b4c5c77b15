// One page of a business's calls, newest first (filtered by time, status, sentiment, outcome,
// direction and text), straight from node-postgres (the API's hottest read; see
// read-pool.ts). The business id is `$1` and always the first condition, fixed by the
// tenant's scoped runner (scoped-query.ts), never taken from the request.
// Statements are prepared (named) on a real PostgreSQL and unnamed on the embedded PGlite.
import type { CallLog } from "@prisma/client";
import { utc } from "./read-pool.ts";
import type { ScopedQuery } from "./scoped-query.ts";

export interface CallListQuery {
  from?: string;
  to?: string;
  status?: string;
  sentiment?: string;
  outcome?: string;
  direction?: string;
  q?: string;
  limit: number;
  startingAfter?: string;
}

export type CallRow = Pick<
  CallLog,
  | "id" | "callSid" | "direction" | "fromNumber" | "toNumber" | "status" | "startedAt" | "answeredAt" | "endedAt"
  | "durationSec" | "endReason" | "transferredTo" | "summary" | "sentiment" | "sentimentScore" | "outcome" | "topics" | "analysisStatus"
  | "inputTokens" | "inputAudioTokens" | "outputTokens" | "outputAudioTokens" | "costUsdMicros"
  | "answeredBy" | "recordingSid" | "recordingStatus" | "recordingDurationSec"
>;

const COLUMNS = `c.id, c."callSid", c.direction, c."fromNumber", c."toNumber", c.status, c."startedAt", c."answeredAt", c."endedAt",
  c."durationSec", c."endReason", c."transferredTo", c.summary, c.sentiment, c."sentimentScore", c.outcome, c.topics, c."analysisStatus",
  c."inputTokens", c."inputAudioTokens", c."outputTokens", c."outputAudioTokens", c."costUsdMicros",
  c."answeredBy", c."recordingSid", c."recordingStatus", c."recordingDurationSec"`;

// CallStatus values are stored as Twilio spells them (in-progress); the API uses in_progress.
const toDbStatus = (s: string) => s.replace("_", "-");
const fromDbStatus = (s: string) => s.replace("-", "_") as CallRow["status"];
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, "\\$&")}%`;

/** Null when `startingAfter` names no call of this business. */
export async function listCallsPage(run: ScopedQuery, q: CallListQuery): Promise<CallRow[] | null> {
  const values: unknown[] = []; // $2 onwards: $1 is the business
  const where = [`c."businessId" = $1`];
  const param = (v: unknown) => `$${values.push(v) + 1}`;
  if (q.from) where.push(`c."startedAt" >= ${param(utc(new Date(q.from)))}::timestamp`);
  if (q.to) where.push(`c."startedAt" < ${param(utc(new Date(q.to)))}::timestamp`);
  if (q.status) where.push(`c.status = ${param(toDbStatus(q.status))}::"CallStatus"`);
  if (q.sentiment) where.push(`c.sentiment = ${param(q.sentiment)}::"Sentiment"`);
  if (q.outcome) where.push(`c.outcome = ${param(q.outcome)}::"CallOutcome"`);
  if (q.direction) where.push(`c.direction = ${param(q.direction)}::"CallDirection"`);
  if (q.q) {
    const p = param(likePattern(q.q));
    where.push(`(c."fromNumber" LIKE ${p} OR c.summary ILIKE ${p} OR EXISTS (
      SELECT 1 FROM "TranscriptSegment" s WHERE s."businessId" = $1 AND s."callId" = c.id AND s.text ILIKE ${p}))`);
  }
  const order = `ORDER BY c."startedAt" DESC, c.id DESC`;
  if (!q.startingAfter) {
    const limit = param(q.limit);
    return fromDb(await run<CallRow>(`SELECT ${COLUMNS} FROM "CallLog" c WHERE ${where.join(" AND ")} ${order} LIMIT ${limit}`, values));
  }
  // The cursor's row and the page in one round trip: no row at all means the cursor names no
  // call of this business; one row without an id, an empty page after it. Written so the
  // (businessId, startedAt) index bounds the scan.
  const cursorId = param(q.startingAfter);
  const limit = param(q.limit);
  const rows = await run<CallRow | { [K in keyof CallRow]: null }>(
    `SELECT p.* FROM (SELECT "startedAt" AS at, id AS cid FROM "CallLog" WHERE "businessId" = $1 AND id = ${cursorId}) cur
     LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM "CallLog" c WHERE ${where.join(" AND ")}
       AND c."startedAt" <= cur.at AND (c."startedAt" < cur.at OR c.id < cur.cid) ${order} LIMIT ${limit}) p ON true`,
    values,
  );
  if (rows.length === 0) return null;
  return fromDb(rows.filter((r): r is CallRow => r.id !== null));
}

function fromDb(rows: CallRow[]): CallRow[] {
  for (const r of rows) r.status = fromDbStatus(r.status);
  return rows;
}
