// What a business's calls used in a period: calls, seconds, billed minutes (each call rounded
// up to a whole minute), model tokens and their cost. Sums are read as float8 so a month of
// a busy business cannot overflow an int, and arrive as numbers.
import { utc } from "./read-pool.ts";
import type { ScopedQuery } from "./scoped-query.ts";

export interface UsageTotals {
  calls: number;
  callSeconds: number;
  callMinutes: number;
  inputTokens: number;
  outputTokens: number;
  costUsdMicros: number;
}

const TOTALS = `SELECT count(*)::int AS calls,
    coalesce(sum("durationSec"), 0)::float8 AS "callSeconds",
    coalesce(sum(ceil(coalesce("durationSec", 0) / 60.0)), 0)::float8 AS "callMinutes",
    coalesce(sum("inputTokens"), 0)::float8 AS "inputTokens",
    coalesce(sum("outputTokens"), 0)::float8 AS "outputTokens",
    coalesce(sum("costUsdMicros"), 0)::float8 AS "costUsdMicros"
  FROM "CallLog" WHERE "businessId" = $1 AND "startedAt" >= $2::timestamp AND "startedAt" < $3::timestamp`;

/** Calls that started in [from, to). */
export async function readUsageTotals(run: ScopedQuery, period: { from: Date; to: Date }): Promise<UsageTotals> {
  const [row] = await run<UsageTotals>(TOTALS, [utc(period.from), utc(period.to)]);
  return row!;
}
