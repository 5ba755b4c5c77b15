// Raw reads of one business, for what Prisma reads too slowly or cannot group: the calls
// list, analytics, usage. A reader is made with the business id fixed (tenant.read in a
// handler); its queries run through scoped-query.ts, where that id is always `$1` and the
// first condition. Handlers get a reader, never the pool.
import type { ReadPool } from "./read-pool.ts";
import { scopedQuery } from "./scoped-query.ts";
import { listCallsPage, listCallsPageText, type CallListQuery, type CallRow, type CallText } from "./list-calls-page.ts";
import { readCallAnalytics, type CallAnalyticsRows, type LocalDayRange } from "./call-analytics.ts";
import { readUsageTotals, type UsageTotals } from "./usage-totals.ts";

export interface TenantReader {
  readonly businessId: string;
  /** A page of calls, newest first; null when `startingAfter` names no call of this business. */
  callsPage(q: CallListQuery): Promise<CallRow[] | null>;
  /** The same page as the text PostgreSQL sends (list-calls-page.ts CallText). */
  callsPageText(q: CallListQuery): Promise<CallText[] | null>;
  callAnalytics(range: LocalDayRange): Promise<CallAnalyticsRows>;
  usageTotals(period: { from: Date; to: Date }): Promise<UsageTotals>;
}

export function tenantReader(pool: ReadPool, businessId: string): TenantReader {
  const run = scopedQuery(pool, businessId);
  return {
    businessId,
    callsPage: (q) => listCallsPage(run, q),
    callsPageText: (q) => listCallsPageText(run, q),
    callAnalytics: (range) => readCallAnalytics(run, range),
    usageTotals: (period) => readUsageTotals(run, period),
  };
}
