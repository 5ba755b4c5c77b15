// Billing's durable jobs: the end of a payment grace period (and, in report-call-usage.ts,
// the metering of finished calls).
import type { JobHandler } from "../jobs/job-queue.ts";
import { applyEffectivePlan, GRACE_CHECK_JOB, type StripeSyncDeps } from "./apply-stripe-event.ts";

export function gracePeriodJobHandlers(deps: Omit<StripeSyncDeps, "stripe" | "config">): Record<string, JobHandler> {
  return {
    [GRACE_CHECK_JOB]: async (job) => {
      await applyEffectivePlan(deps, job.businessId, "payment grace period ended");
    },
  };
}
