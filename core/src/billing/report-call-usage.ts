// `billing.meter_call`: one Stripe meter event per finished phone call, with the call id as the
// event's `identifier`, so Stripe itself drops a repeat (an answer lost after Stripe recorded
// the event, a worker dying mid-job). A failure leaves the job to the queue's backoff; the
// UsageEvent's reportedToStripeAt says it went through. Without billing, or for a business
// that never subscribed, there is nothing to report and the usage stays recorded only here.
import type { Job } from "@prisma/client";
import type { Db } from "../db/client.ts";
import type { StripeConfig } from "../config/env.ts";
import type { Logger } from "../observability/logger.ts";
import type { JobHandler } from "../jobs/job-queue.ts";
import { forBusiness } from "../db/tenant.ts";
import type { Stripe } from "./stripe-client.ts";
import { METER_CALL_JOB, usageKey, type MeterCallPayload } from "./record-call-usage.ts";

export interface MeterDeps {
  db: Db;
  /** Undefined when billing is off. */
  stripe: { client: Stripe; config: Pick<StripeConfig, "meterEventName"> } | undefined;
  logger?: Logger;
  now?: () => Date;
}

export async function reportCallUsage(deps: MeterDeps, businessId: string, payload: MeterCallPayload): Promise<"reported" | "already_reported" | "not_billed"> {
  const scoped = forBusiness(deps.db, businessId);
  const usage = await scoped.usageEvent.findFirst({ where: { dedupeKey: usageKey(payload.callId) } });
  if (!usage) return "not_billed";
  if (usage.reportedToStripeAt) return "already_reported";
  if (!deps.stripe) return "not_billed";
  const sub = await scoped.subscription.findFirst({ select: { stripeCustomerId: true } });
  if (!sub?.stripeCustomerId) return "not_billed";
  try {
    await deps.stripe.client.billing.meterEvents.create({
      event_name: deps.stripe.config.meterEventName,
      identifier: payload.callId,
      timestamp: Math.floor(usage.occurredAt.getTime() / 1000),
      payload: { stripe_customer_id: sub.stripeCustomerId, value: String(payload.overageMinutes) },
    });
  } catch (err) {
    // Stripe already has an event with this identifier: an earlier attempt got through.
    if ((err as { code?: string }).code !== "resource_already_exists") throw err;
  }
  await scoped.usageEvent.update({ where: { id: usage.id }, data: { reportedToStripeAt: deps.now?.() ?? new Date() } });
  return "reported";
}

export function meterJobHandlers(deps: MeterDeps): Record<string, JobHandler> {
  return {
    [METER_CALL_JOB]: async (job: Job) => {
      const p = job.payload as Partial<MeterCallPayload> | null;
      if (typeof p?.callId !== "string" || typeof p.overageMinutes !== "number") throw new Error(`${METER_CALL_JOB} job without callId/overageMinutes`);
      const outcome = await reportCallUsage(deps, job.businessId, { callId: p.callId, overageMinutes: p.overageMinutes });
      deps.logger?.debug({ businessId: job.businessId, callId: p.callId, outcome }, "call usage metered");
    },
  };
}
