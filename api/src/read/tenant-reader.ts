// Raw reads of one business, for what Prisma reads too slowly or cannot group: the calls
// list, analytics, usage. A reader is made with the business id fixed (tenant.read in a
// handler); its queries run through scoped-query.ts, where that id is always `$1` and the
// first condition. Handlers get a reader, never the pool.
import type { ReadPool } from "./read-pool.ts";
import { scopedQuery } from "./scoped-query.ts";
import { listCallsPage, listCallsPageText, type CallListQuery, type CallRow, type CallText } from "./list-calls-page.ts";
import { readCallAnalytics, type CallAnalyticsRows, type LocalDayRange } from "./call-analytics.ts";
import { readUsageTotals, type UsageTotals } from "./usage-totals.ts";
import type { CallsPageCache } from "./calls-page-cache.ts";

export interface TenantReader {
  readonly businessId: string;
  /** A page of calls, newest first; null when `startingAfter` names no call of this business. */
  callsPage(q: CallListQuery): Promise<CallRow[] | null>;
  /** The same page as the text PostgreSQL sends (list-calls-page.ts CallText). */
  callsPageText(q: CallListQuery): Promise<CallText[] | null>;
  /**
   * The page's reply bytes, `toBytes(rows)` of callsPageText's rows, from the calls page cache
   * when it has them (calls-page-cache.ts); text searches (`q`) are always read, since
   * transcript writes are not announced to the cache (migration calls_change_notify). `toBytes` must depend on the rows and `q` alone:
   * its bytes are served again for the same `q`. Null likewise.
   */
  callsPageBytes(q: CallListQuery, toBytes: (rows: CallText[]) => Buffer): Promise<Buffer | null>;
  /** This process just changed the business's calls: cached pages are stale from now on. */
  callsChanged(): void;
  callAnalytics(range: LocalDayRange): Promise<CallAnalyticsRows>;
  usageTotals(period: { from: Date; to: Date }): Promise<UsageTotals>;
}

// Every input of the page, in a fixed order (a field added to CallListQuery and not listed
// here fails to compile): equal queries, equal keys. Joined by hand: JSON.stringify with a
// sorted replacer cost a few µs on every cached read.
const KEY_FIELDS = ["limit", "startingAfter", "from", "to", "status", "sentiment", "outcome", "direction", "q"] as const satisfies readonly (keyof CallListQuery)[];
type Unkeyed = Exclude<keyof CallListQuery, (typeof KEY_FIELDS)[number]>;
const everyFieldKeyed: [Unkeyed] extends [never] ? true : never = true;
const pageKey = (q: CallListQuery) => {
  void everyFieldKeyed;
  let key = "";
  // Each value length-prefixed, so no value can pass for another split; absent is "-".
  for (const f of KEY_FIELDS) {
    const v = q[f];
    key += v === undefined ? "-" : `${String(v).length}:${v}`;
  }
  return key;
};

export function tenantReader(pool: ReadPool, businessId: string, pages?: CallsPageCache): TenantReader {
  const run = scopedQuery(pool, businessId);
  const callsPageBytes = async (q: CallListQuery, toBytes: (rows: CallText[]) => Buffer) => {
    const rows = await listCallsPageText(run, q);
    return rows && toBytes(rows);
  };
  return {
    businessId,
    callsPage: (q) => listCallsPage(run, q),
    callsPageText: (q) => listCallsPageText(run, q),
    callsPageBytes: pages ? (q, toBytes) => (q.q ? callsPageBytes(q, toBytes) : pages.page(businessId, pageKey(q), () => callsPageBytes(q, toBytes))) : callsPageBytes,
    callsChanged: () => pages?.changed(businessId),
    callAnalytics: (range) => readCallAnalytics(run, range),
    usageTotals: (period) => readUsageTotals(run, period),
  };
}
