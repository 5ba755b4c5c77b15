// Usage in a period (default: this calendar month, UTC) beside the plan's limits.
import { planLimits } from "@frontdesk/core/billing/plans";
import { tenantOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";
import { iso } from "./present.ts";

export const usageOperations = [
  tenantOperation("getUsage", async ({ tenant, query, services }) => {
    const now = services.now();
    const from = query.from ? new Date(query.from) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const to = query.to ? new Date(query.to) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    if (from >= to) throw invalid("`from` must be before `to`.", [{ path: "query.from", message: "must be before to" }]);
    const businessId = tenant.business.id;
    const [calls, minutes, documents, members] = await Promise.all([
      tenant.db.callLog.aggregate({
        where: { startedAt: { gte: from, lt: to } },
        _count: { _all: true },
        _sum: { durationSec: true, inputTokens: true, outputTokens: true, costUsdMicros: true },
      }),
      // Billed minutes: each call rounded up to a whole minute.
      services.db.$queryRaw<{ minutes: number }[]>`
        SELECT coalesce(sum(ceil(coalesce("durationSec", 0) / 60.0)), 0)::int AS minutes
        FROM "CallLog" WHERE "businessId" = ${businessId} AND "startedAt" >= ${from} AND "startedAt" < ${to}`,
      tenant.db.rAGContent.count(),
      tenant.db.membership.count(),
    ]);
    return {
      status: 200,
      body: {
        from: iso(from),
        to: iso(to),
        plan: tenant.business.plan,
        calls: calls._count._all,
        callSeconds: calls._sum.durationSec ?? 0,
        callMinutes: minutes[0]?.minutes ?? 0,
        inputTokens: calls._sum.inputTokens ?? 0,
        outputTokens: calls._sum.outputTokens ?? 0,
        costUsdMicros: calls._sum.costUsdMicros ?? 0,
        knowledgeDocuments: documents,
        members,
        limits: planLimits(tenant.business.plan),
      },
    };
  }),
];
