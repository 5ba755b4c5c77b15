// Call analytics over a range of the business's own days: volume and minutes per day,
// average duration, sentiment and outcome distributions, top topics. Read through the
// tenant's reader (read/call-analytics.ts), folded here.
import { tenantOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";
import type { CallGroup } from "../read/call-analytics.ts";

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

    const { groups, topTopics } = await tenant.read.callAnalytics({ from, to, timeZone: tz });

    const byDay = new Map<string, { calls: number; durationSec: number }>();
    let totalCalls = 0;
    let totalDurationSec = 0;
    let timedCalls = 0;
    for (const g of groups) {
      const day = byDay.get(g.day) ?? { calls: 0, durationSec: 0 };
      day.calls += g.calls;
      day.durationSec += g.durationSec;
      byDay.set(g.day, day);
      totalCalls += g.calls;
      totalDurationSec += g.durationSec;
      timedCalls += g.timedCalls;
    }
    const callsPerDay = Array.from({ length: days }, (_, i) => {
      const date = addDays(from, i);
      const d = byDay.get(date);
      return { date, calls: d?.calls ?? 0, durationSec: d?.durationSec ?? 0 };
    });
    const countOf = (pick: (g: CallGroup) => unknown, value: unknown) => groups.reduce((n, g) => (pick(g) === value ? n + g.calls : n), 0);
    return {
      status: 200,
      body: {
        from,
        to,
        timezone: tz,
        totalCalls,
        totalDurationSec,
        totalMinutes: Math.round((totalDurationSec / 60) * 10) / 10,
        averageDurationSec: timedCalls ? Math.round((totalDurationSec / timedCalls) * 10) / 10 : 0,
        callsPerDay,
        sentiment: {
          positive: countOf((g) => g.sentiment, "positive"),
          neutral: countOf((g) => g.sentiment, "neutral"),
          negative: countOf((g) => g.sentiment, "negative"),
          unknown: countOf((g) => g.sentiment, null),
        },
        outcomes: {
          resolved: countOf((g) => g.outcome, "resolved"),
          message_taken: countOf((g) => g.outcome, "message_taken"),
          transferred: countOf((g) => g.outcome, "transferred"),
          abandoned: countOf((g) => g.outcome, "abandoned"),
          voicemail: countOf((g) => g.outcome, "voicemail"),
          unknown: countOf((g) => g.outcome, null),
        },
        topTopics,
      },
    };
  }),
];
