// A finished phone call's minutes: one UsageEvent (the call's billed minutes, rounded up, from
// Twilio's final CallDuration) and, in the same transaction, one `billing.meter_call` job that
// reports the call to Stripe's meter (report-call-usage.ts). Twilio repeats callbacks: the
// usage row's dedupe key (the call id) makes the second one a no-op, so a call is never
// queued twice. Browser test calls never get here (no Twilio callback) and are skipped anyway.
import type { Db } from "../db/client.ts";
import { enqueueJob } from "../jobs/job-queue.ts";
import { planLimits } from "./plans.ts";

export const CALL_MINUTES = "call_minutes";
export const METER_CALL_JOB = "billing.meter_call";
/** A Stripe outage is waited out: backoff doubles up to 10 minutes, so 60 attempts cover ~9 hours. */
export const METER_MAX_ATTEMPTS = 60;

export const usageKey = (callId: string) => `${CALL_MINUTES}:${callId}`;

export interface MeterCallPayload {
  callId: string;
  /** Minutes of this call past the plan's included minutes this month: what Stripe bills. */
  overageMinutes: number;
}

export async function recordCallUsage(db: Db, call: { id: string; businessId: string; fromNumber: string; durationSec: number; at: Date }): Promise<boolean> {
  if (call.fromNumber === "browser") return false;
  const minutes = Math.ceil(call.durationSec / 60);
  const monthStart = new Date(Date.UTC(call.at.getUTCFullYear(), call.at.getUTCMonth(), 1));
  return db.$transaction(async (tx) => {
    const created = await tx.usageEvent.createMany({
      data: [{ businessId: call.businessId, kind: CALL_MINUTES, quantity: minutes, callId: call.id, dedupeKey: usageKey(call.id), occurredAt: call.at }],
      skipDuplicates: true,
    });
    if (created.count === 0) return false;
    const [business, used] = await Promise.all([
      tx.business.findUniqueOrThrow({ where: { id: call.businessId }, select: { plan: true } }),
      tx.usageEvent.aggregate({
        where: { businessId: call.businessId, kind: CALL_MINUTES, occurredAt: { gte: monthStart }, NOT: { dedupeKey: usageKey(call.id) } },
        _sum: { quantity: true },
      }),
    ]);
    const included = planLimits(business.plan).monthlyCallMinutes;
    const before = used._sum.quantity ?? 0;
    const overageMinutes = Math.max(0, before + minutes - included) - Math.max(0, before - included);
    const payload: MeterCallPayload = { callId: call.id, overageMinutes };
    await enqueueJob(tx, { businessId: call.businessId, kind: METER_CALL_JOB, payload: { ...payload }, maxAttempts: METER_MAX_ATTEMPTS, dedupeKey: `${METER_CALL_JOB}:${call.id}` });
    return true;
  });
}
