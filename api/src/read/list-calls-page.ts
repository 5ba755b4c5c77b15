// One page of a business's calls, newest first, straight from node-postgres (the API's
// hottest read; see read-pool.ts). The business id is always the first condition and comes
// from the resolved tenant, never from the request. Statements are prepared (named) on a real
// PostgreSQL and unnamed on the embedded PGlite (see read-pool.ts).
import type { CallLog } from "@prisma/client";
import type { ReadPool } from "./read-pool.ts";
import { statement, utc } from "./read-pool.ts";

export interface CallListQuery {
  from?: string;
  to?: string;
  status?: string;
  sentiment?: string;
  q?: string;
  limit: number;
  startingAfter?: string;
}

export type CallRow = Pick<
  CallLog,
  | "id" | "callSid" | "direction" | "fromNumber" | "toNumber" | "status" | "startedAt" | "answeredAt" | "endedAt"
  | "durationSec" | "endReason" | "transferredTo" | "summary" | "sentiment" | "sentimentScore" | "outcome" | "topics" | "analysisStatus"
>;

const COLUMNS = `c.id, c."callSid", c.direction, c."fromNumber", c."toNumber", c.status, c."startedAt", c."answeredAt", c."endedAt",
  c."durationSec", c."endReason", c."transferredTo", c.summary, c.sentiment, c."sentimentScore", c.outcome, c.topics, c."analysisStatus"`;

// CallStatus values are stored as Twilio spells them (in-progress); the API uses in_progress.
const toDbStatus = (s: string) => s.replace("_", "-");
const fromDbStatus = (s: string) => s.replace("-", "_") as CallRow["status"];
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, "\\$&")}%`;

/** Null when `startingAfter` names no call of this business. */
export async function listCallsPage(pool: ReadPool, businessId: string, q: CallListQuery): Promise<CallRow[] | null> {
  const values: unknown[] = [businessId];
  const where = [`c."businessId" = $1`];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (q.from) where.push(`c."startedAt" >= ${param(utc(new Date(q.from)))}::timestamp`);
  if (q.to) where.push(`c."startedAt" < ${param(utc(new Date(q.to)))}::timestamp`);
  if (q.status) where.push(`c.status = ${param(toDbStatus(q.status))}::"CallStatus"`);
  if (q.sentiment) where.push(`c.sentiment = ${param(q.sentiment)}::"Sentiment"`);
  if (q.q) {
    const p = param(likePattern(q.q));
    where.push(`(c."fromNumber" LIKE ${p} OR c.summary ILIKE ${p} OR EXISTS (
      SELECT 1 FROM "TranscriptSegment" s WHERE s."businessId" = $1 AND s."callId" = c.id AND s.text ILIKE ${p}))`);
  }
  if (q.startingAfter) {
    const cursor = await pool.query<{ startedAt: Date; id: string }>(
      statement(pool, `SELECT "startedAt", id FROM "CallLog" WHERE "businessId" = $1 AND id = $2`, [businessId, q.startingAfter]),
    );
    const after = cursor.rows[0];
    if (!after) return null;
    const at = param(utc(after.startedAt));
    const id = param(after.id);
    // Written so the (businessId, startedAt) index bounds the scan.
    where.push(`c."startedAt" <= ${at}::timestamp AND (c."startedAt" < ${at}::timestamp OR c.id < ${id})`);
  }
  const limit = param(q.limit);
  const { rows } = await pool.query<CallRow>(
    statement(pool, `SELECT ${COLUMNS} FROM "CallLog" c WHERE ${where.join(" AND ")} ORDER BY c."startedAt" DESC, c.id DESC LIMIT ${limit}`, values),
  );
  for (const r of rows) r.status = fromDbStatus(r.status);
  return rows;
}
