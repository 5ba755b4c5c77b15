// One page of a business's calls, newest first (filtered by time, status, sentiment, outcome,
// direction and text), straight from node-postgres (the API's hottest read; see
// read-pool.ts): as typed rows, or as the text PostgreSQL sends, which the API's list writes
// its JSON from without first reading dates, numbers and arrays into values (routes/present.ts
// callJson). The business id is `$1` and always the first condition, fixed by the tenant's
// scoped runner (scoped-query.ts), never taken from the request.
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

const CALL_COLUMNS = [
  "id", "callSid", "direction", "fromNumber", "toNumber", "status", "startedAt", "answeredAt", "endedAt",
  "durationSec", "endReason", "transferredTo", "summary", "sentiment", "sentimentScore", "outcome", "topics", "analysisStatus",
  "inputTokens", "inputAudioTokens", "outputTokens", "outputAudioTokens", "costUsdMicros",
  "answeredBy", "recordingSid", "recordingStatus", "recordingDurationSec",
] as const satisfies readonly (keyof CallRow)[];
const COLUMNS = CALL_COLUMNS.map((c) => `c."${c}"`).join(", ");

/**
 * A call as PostgreSQL sends it: each column's text (NULL as null), in CALL_COLUMNS order, so
 * `row[CallText.summary]` is the summary. Times read `2026-05-01 09:30:00.5` (UTC), statuses
 * as stored (`in-progress`), topics as an array literal (`{booking,"opening hours"}`).
 */
export type CallText = (string | null)[];
export const CallText = Object.fromEntries(CALL_COLUMNS.map((c, i) => [c, i])) as { readonly [K in (typeof CALL_COLUMNS)[number]]: number };

// CallStatus values are stored as Twilio spells them (in-progress); the API uses in_progress.
const toDbStatus = (s: string) => s.replace("_", "-");
export const fromDbStatus = (s: string) => s.replace("-", "_") as CallRow["status"];
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, "\\$&")}%`;

/** The page's statement: `limit` rows at most; `cursor` when the page starts after one. */
function pageStatement(q: CallListQuery): { text: string; values: unknown[]; cursor: boolean } {
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
    return { text: `SELECT ${COLUMNS} FROM "CallLog" c WHERE ${where.join(" AND ")} ${order} LIMIT ${limit}`, values, cursor: false };
  }
  // The cursor's row and the page in one round trip: no row at all means the cursor names no
  // call of this business; one row without an id, an empty page after it. Written so the
  // (businessId, startedAt) index bounds the scan.
  const cursorId = param(q.startingAfter);
  const limit = param(q.limit);
  const text = `SELECT p.* FROM (SELECT "startedAt" AS at, id AS cid FROM "CallLog" WHERE "businessId" = $1 AND id = ${cursorId}) cur
     LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM "CallLog" c WHERE ${where.join(" AND ")}
       AND c."startedAt" <= cur.at AND (c."startedAt" < cur.at OR c.id < cur.cid) ${order} LIMIT ${limit}) p ON true`;
  return { text, values, cursor: true };
}

/** Null when `startingAfter` names no call of this business. */
export async function listCallsPage(run: ScopedQuery, q: CallListQuery): Promise<CallRow[] | null> {
  const { text, values, cursor } = pageStatement(q);
  const rows = await run<CallRow | { [K in keyof CallRow]: null }>(text, values);
  if (cursor && rows.length === 0) return null;
  const page = rows.filter((r): r is CallRow => r.id !== null);
  for (const r of page) r.status = fromDbStatus(r.status);
  return page;
}

/** listCallsPage as the text PostgreSQL sends (CallText rows); null likewise. */
export async function listCallsPageText(run: ScopedQuery, q: CallListQuery): Promise<CallText[] | null> {
  const { text, values, cursor } = pageStatement(q);
  const rows = await run.texts(text, values);
  if (cursor && rows.length === 0) return null;
  return cursor ? rows.filter((r) => r[CallText.id] !== null) : rows;
}
