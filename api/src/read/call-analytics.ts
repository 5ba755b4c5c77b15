// A business's calls over a range of its own local days, counted by day, sentiment and outcome
// in one grouped read, and its most frequent topics in another. The range is the business's
// days in its time zone, turned into UTC bounds by PostgreSQL (startedAt is stored as UTC
// without a zone), so days follow daylight saving.
import type { CallLog } from "@prisma/client";
import type { ScopedQuery } from "./scoped-query.ts";

export interface LocalDayRange {
  /** First and last day, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  timeZone: string;
}

export interface CallGroup {
  /** Local day, YYYY-MM-DD. */
  day: string;
  sentiment: CallLog["sentiment"];
  outcome: CallLog["outcome"];
  calls: number;
  durationSec: number;
  /** Calls of the group with a duration (the average is over these). */
  timedCalls: number;
}

export interface CallAnalyticsRows {
  groups: CallGroup[];
  /** At most 10, most frequent first, lower-cased. */
  topTopics: { topic: string; count: number }[];
}

// $2 from, $3 to, $4 time zone.
const IN_RANGE = `"startedAt" >= (($2::date)::timestamp AT TIME ZONE $4::text) AT TIME ZONE 'UTC'
  AND "startedAt" < (($3::date + 1)::timestamp AT TIME ZONE $4::text) AT TIME ZONE 'UTC'`;

const GROUPS = `SELECT to_char(("startedAt" AT TIME ZONE 'UTC') AT TIME ZONE $4::text, 'YYYY-MM-DD') AS day, sentiment, outcome,
    count(*)::int AS calls, coalesce(sum("durationSec"), 0)::int AS "durationSec", count("durationSec")::int AS "timedCalls"
  FROM "CallLog" WHERE "businessId" = $1 AND ${IN_RANGE}
  GROUP BY 1, 2, 3`;

const TOP_TOPICS = `SELECT lower(t) AS topic, count(*)::int AS count
  FROM "CallLog", unnest(topics) AS t
  WHERE "businessId" = $1 AND ${IN_RANGE}
  GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`;

export async function readCallAnalytics(run: ScopedQuery, range: LocalDayRange): Promise<CallAnalyticsRows> {
  const params = [range.from, range.to, range.timeZone];
  const [groups, topTopics] = await Promise.all([run<CallGroup>(GROUPS, params), run<{ topic: string; count: number }>(TOP_TOPICS, params)]);
  return { groups, topTopics };
}
