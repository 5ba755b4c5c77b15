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
    const [calls, documents, members] = await Promise.all([
      tenant.read.usageTotals({ from, to }),
      tenant.db.rAGContent.count(),
      tenant.db.membership.count(),
    ]);
    return {
      status: 200,
      body: {
        from: iso(from),
        to: iso(to),
        plan: tenant.business.plan,
        ...calls,
        knowledgeDocuments: documents,
        members,
        limits: planLimits(tenant.business.plan),
      },
    };
  }),
];
