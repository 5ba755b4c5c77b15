// A business's knowledge gaps, newest (last asked) or most frequent first, each with the calls
// it was asked in (most recent first), paged by the last gap seen.
import type { KnowledgeGap, KnowledgeGapStatus, Prisma } from "@prisma/client";
import { AppError } from "../../errors.ts";
import type { TenantDb } from "../../db/tenant.ts";

export type GapOrder = "recent" | "frequent";

export interface ListGapsQuery {
  status?: KnowledgeGapStatus;
  sort?: GapOrder;
  limit: number;
  startingAfter?: string;
}

export interface GapAsked {
  callId: string;
  question: string;
  reason: string;
  askedAt: Date;
}

export type GapWithCalls = KnowledgeGap & { calls: GapAsked[] };

/** Calls shown with each gap (its count says how many there are in all). */
const CALLS_PER_GAP = 10;

export async function listKnowledgeGaps(db: TenantDb, q: ListGapsQuery): Promise<{ data: GapWithCalls[]; hasMore: boolean }> {
  const status = q.status ?? "open";
  const sort = q.sort ?? "recent";
  let after: Prisma.KnowledgeGapWhereInput = {};
  if (q.startingAfter) {
    const c = await db.knowledgeGap.findFirst({ where: { id: q.startingAfter }, select: { id: true, count: true, lastAskedAt: true } });
    if (!c) {
      throw new AppError("validation_failed", { userMessage: "starting_after names no knowledge gap", errors: [{ path: "starting_after", message: "names no knowledge gap" }] });
    }
    const byRecent: Prisma.KnowledgeGapWhereInput[] = [{ lastAskedAt: { lt: c.lastAskedAt } }, { lastAskedAt: c.lastAskedAt, id: { lt: c.id } }];
    after = sort === "recent" ? { OR: byRecent } : { OR: [{ count: { lt: c.count } }, ...byRecent.map((w) => ({ count: c.count, ...w }))] };
  }
  const orderBy: Prisma.KnowledgeGapOrderByWithRelationInput[] = [
    ...(sort === "frequent" ? [{ count: "desc" as const }] : []),
    { lastAskedAt: "desc" },
    { id: "desc" },
  ];
  const rows = await db.knowledgeGap.findMany({
    where: { status, ...after },
    orderBy,
    take: q.limit + 1,
    include: {
      calls: { orderBy: [{ askedAt: "desc" }, { id: "desc" }], take: CALLS_PER_GAP, select: { callId: true, question: true, reason: true, askedAt: true } },
    },
  });
  return { data: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}
