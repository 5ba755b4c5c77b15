// Cursor pagination, Stripe's way: `limit` and `starting_after` (the last id seen) in,
// `{ object: "list", data, has_more }` out. Ids are time-sortable, so id order is creation order.

export interface PageQuery {
  limit?: number;
  starting_after?: string;
}

export interface Page<T> {
  object: "list";
  data: T[];
  has_more: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Prisma arguments for a newest-first page ordered by id. */
export function pageArgs(q: PageQuery) {
  const take = (q.limit ?? DEFAULT_PAGE_SIZE) + 1;
  return {
    take,
    orderBy: { id: "desc" as const },
    cursorWhere: q.starting_after ? { id: { lt: q.starting_after } } : {},
  };
}

/** Cuts the look-ahead row off and says whether there was one. */
export function toPage<R, T>(rows: R[], q: PageQuery, present: (r: R) => T): Page<T> {
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  return { object: "list", data: rows.slice(0, limit).map(present), has_more: rows.length > limit };
}
