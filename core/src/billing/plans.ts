// What each plan allows. Rate limits and call caps read from here; Stripe maps prices to plans.
import type { Plan } from "@prisma/client";

export interface PlanLimits {
  /** REST API requests per minute per business (secret keys and dashboard sessions). */
  apiRequestsPerMinute: number;
  /** Widget requests per minute per business (publishable keys). */
  widgetRequestsPerMinute: number;
  concurrentCalls: number;
  monthlyCallMinutes: number;
  knowledgeDocuments: number;
  members: number;
}

export const PLAN_LIMITS: Record<Plan, PlanLimits> = {
  free: { apiRequestsPerMinute: 120, widgetRequestsPerMinute: 600, concurrentCalls: 2, monthlyCallMinutes: 100, knowledgeDocuments: 100, members: 3 },
  starter: { apiRequestsPerMinute: 600, widgetRequestsPerMinute: 3_000, concurrentCalls: 5, monthlyCallMinutes: 1_000, knowledgeDocuments: 1_000, members: 10 },
  pro: { apiRequestsPerMinute: 3_000, widgetRequestsPerMinute: 15_000, concurrentCalls: 25, monthlyCallMinutes: 10_000, knowledgeDocuments: 10_000, members: 50 },
  enterprise: { apiRequestsPerMinute: 300_000, widgetRequestsPerMinute: 300_000, concurrentCalls: 500, monthlyCallMinutes: 1_000_000, knowledgeDocuments: 1_000_000, members: 1_000 },
};

export function planLimits(plan: Plan): PlanLimits {
  return PLAN_LIMITS[plan];
}
