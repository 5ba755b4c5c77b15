// Which plan a subscription puts in force. Active or trialing: the plan paid for. Past due:
// still that plan during the grace period after the first failed payment, then the default
// plan. Canceled or never completed: the default plan.
import type { Plan, Subscription, SubscriptionStatus } from "@prisma/client";

export const DAY_MS = 24 * 3_600_000;

export interface BillingPolicy {
  defaultPlan: Plan;
  graceDays: number;
}

export function graceEndsAt(sub: Pick<Subscription, "pastDueSince">, policy: BillingPolicy): Date | null {
  return sub.pastDueSince ? new Date(sub.pastDueSince.getTime() + policy.graceDays * DAY_MS) : null;
}

export function effectivePlan(sub: Pick<Subscription, "plan" | "status" | "pastDueSince">, policy: BillingPolicy, now: Date): Plan {
  switch (sub.status) {
    case "active":
    case "trialing":
      return sub.plan;
    case "past_due": {
      const ends = graceEndsAt(sub, policy);
      return ends && ends > now ? sub.plan : policy.defaultPlan;
    }
    default:
      return policy.defaultPlan;
  }
}

/** Stripe's subscription statuses, folded into ours. */
export function statusFromStripe(status: string): SubscriptionStatus {
  switch (status) {
    case "active":
    case "trialing":
    case "past_due":
    case "incomplete":
      return status;
    case "unpaid":
      return "past_due";
    default: // canceled, incomplete_expired, paused
      return "canceled";
  }
}
