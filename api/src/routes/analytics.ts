// Call analytics over a range of the business's own days: volume and minutes per day,
// average duration, sentiment and outcome distributions, top topics.
import { tenantOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;

/** Today's date (YYYY-MM-DD) in a time zone. */
function today(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export const analyticsOperations = [
  tenantOperation("getAnalytics", async ({ tenant, query, services }) => {
    const tz = tenant.business.timezone;
    const to = query.to ?? today(tz, services.now());
    const from = query.from ?? addDays(to, -29);
    const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
    if (days < 1) throw invalid("`from` must not be after `to`.", [{ path: "query.from", message: "must not be after to" }]);
    if (days > MAX_RANGE_DAYS) throw invalid(`A range may span at most ${MAX_RANGE_DAYS} days.`, [{ path: "query.from", message: "range too long" }]);

    const businessId = tenant.business.id;
    // Bounds of the business's days in UTC (startedAt is stored as UTC without a zone).
    const [bounds] = await services.db.$queryRaw<{ start: Date; end: Date }[]>`
      SELECT ((${from}::date)::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC' AS start,
             ((${to}::date + 1)::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC' AS "end"`;
    const range = { startedAt: { gte: bounds!.start, lt: bounds!.end } };

    const [perDay, totals, sentiments, outcomes, topics] = await Promise.all([
      services.db.$queryRaw<{ day: string; calls: number; duration: number }[]>`
        SELECT to_char(("startedAt" AT TIME ZONE 'UTC') AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS day,
               count(*)::int AS calls, coalesce(sum("durationSec"), 0)::int AS duration
        FROM "CallLog"
        WHERE "businessId" = ${businessId} AND "startedAt" >= ${bounds!.start} AND "startedAt" < ${bounds!.end}
        GROUP BY 1`,
      tenant.db.callLog.aggregate({ where: range, _count: { _all: true }, _sum: { durationSec: true }, _avg: { durationSec: true } }),
      tenant.db.callLog.groupBy({ by: ["sentiment"], where: range, _count: { _all: true } }),
      tenant.db.callLog.groupBy({ by: ["outcome"], where: range, _count: { _all: true } }),
      services.db.$queryRaw<{ topic: string; count: number }[]>`
        SELECT lower(t) AS topic, count(*)::int AS count
        FROM "CallLog", unnest(topics) AS t
        WHERE "businessId" = ${businessId} AND "startedAt" >= ${bounds!.start} AND "startedAt" < ${bounds!.end}
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
    ]);

    const byDay = new Map(perDay.map((r) => [r.day, r]));
    const callsPerDay = Array.from({ length: days }, (_, i) => {
      const date = addDays(from, i);
      const r = byDay.get(date);
      return { date, calls: r?.calls ?? 0, durationSec: r?.duration ?? 0 };
    });
    const countOf = <T extends { _count: { _all: number } }>(rows: T[], pick: (r: T) => unknown, value: unknown) =>
      rows.filter((r) => pick(r) === value).reduce((n, r) => n + r._count._all, 0);
    const totalDurationSec = totals._sum.durationSec ?? 0;
    return {
      status: 200,
      body: {
        from,
        to,
        timezone: tz,
        totalCalls: totals._count._all,
        totalDurationSec,
        totalMinutes: Math.round((totalDurationSec / 60) * 10) / 10,
        averageDurationSec: Math.round((totals._avg.durationSec ?? 0) * 10) / 10,
        callsPerDay,
        sentiment: {
          positive: countOf(sentiments, (r) => r.sentiment, "positive"),
          neutral: countOf(sentiments, (r) => r.sentiment, "neutral"),
          negative: countOf(sentiments, (r) => r.sentiment, "negative"),
          unknown: countOf(sentiments, (r) => r.sentiment, null),
        },
        outcomes: {
          resolved: countOf(outcomes, (r) => r.outcome, "resolved"),
          message_taken: countOf(outcomes, (r) => r.outcome, "message_taken"),
          transferred: countOf(outcomes, (r) => r.outcome, "transferred"),
          abandoned: countOf(outcomes, (r) => r.outcome, "abandoned"),
          unknown: countOf(outcomes, (r) => r.outcome, null),
        },
        topTopics: topics,
      },
    };
  }),
];
