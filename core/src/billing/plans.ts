// The plans, as configuration: one table of what each plan includes and allows, read by every
// place that enforces a limit (API rate limit, knowledge size and members in api/, concurrent
// calls and minutes at the relay's admission) and by the usage report. A business's plan is
// `Business.plan` (see change-plan.ts for why that and not Subscription).
import type { Plan } from "@prisma/client";

/**
 * Over the included minutes: `metered` keeps answering and bills each extra minute (a Stripe
 * meter event per call); `refuse` politely turns callers away until the next month.
 */
export type OveragePolicy = "metered" | "refuse";

export interface PlanLimits {
  /** REST API requests per minute per business (secret keys and dashboard sessions). */
  apiRequestsPerMinute: number;
  /** Widget requests per minute per business (publishable keys). */
  widgetRequestsPerMinute: number;
  concurrentCalls: number;
  /** Call minutes included each calendar month (UTC); each call is rounded up to a minute. */
  monthlyCallMinutes: number;
  /** Knowledge documents the business may hold. */
  knowledgeDocuments: number;
  /** Members (and pending invitations) the business may have. */
  members: number;
  overage: OveragePolicy;
}

export const PLANS: readonly Plan[] = ["free", "starter", "pro", "enterprise"];

export const PLAN_LIMITS: Record<Plan, PlanLimits> = {
  free: { apiRequestsPerMinute: 120, widgetRequestsPerMinute: 600, concurrentCalls: 2, monthlyCallMinutes: 100, knowledgeDocuments: 100, members: 3, overage: "refuse" },
  starter: { apiRequestsPerMinute: 600, widgetRequestsPerMinute: 3_000, concurrentCalls: 5, monthlyCallMinutes: 1_000, knowledgeDocuments: 1_000, members: 10, overage: "metered" },
  pro: { apiRequestsPerMinute: 3_000, widgetRequestsPerMinute: 15_000, concurrentCalls: 25, monthlyCallMinutes: 10_000, knowledgeDocuments: 10_000, members: 50, overage: "metered" },
  enterprise: { apiRequestsPerMinute: 300_000, widgetRequestsPerMinute: 300_000, concurrentCalls: 500, monthlyCallMinutes: 1_000_000, knowledgeDocuments: 1_000_000, members: 1_000, overage: "metered" },
};

export function planLimits(plan: Plan): PlanLimits {
  return PLAN_LIMITS[plan];
}

export function isPlan(value: string): value is Plan {
  return (PLANS as readonly string[]).includes(value);
}
