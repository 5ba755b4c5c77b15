// Decides, at the voice webhook, whether the agent answers a call: the dialled number must
// belong to an active business with AI configured, open (if it chose to close after hours),
// within its plan's minutes and concurrent calls and this instance's capacity. Every "no"
// comes with the short message the caller hears.
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { AppConfig } from "@frontdesk/core/config/env";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { personalise, readAgentConfig } from "@frontdesk/core/agent/agent-config";
import { isOpen } from "@frontdesk/core/business/hours";
import { planLimits } from "@frontdesk/core/billing/plans";
import { openCallLog } from "@frontdesk/core/calls/open-call-log";
import { businessProfile, type CallContext } from "./call-context.ts";
import { leaseKey, LEASE_TTL_MS, type LiveCalls } from "./live-calls.ts";

export type RefusalReason =
  | "unknown_number"
  | "business_inactive"
  | "ai_not_configured"
  | "closed"
  | "plan_minutes_exhausted"
  | "plan_concurrency"
  | "instance_busy"
  | "call_ended";

export type Admission =
  | { kind: "connect"; context: CallContext }
  | { kind: "refuse"; reason: RefusalReason; message: string; fallbackNumber: string | null; callId?: string };

export interface IncomingCall {
  callSid: string;
  fromNumber: string;
  toNumber: string;
}

export interface AdmissionDeps {
  db: Db;
  cache: Pick<Cache, "acquireLease" | "releaseLease">;
  config: Pick<AppConfig, "openai">;
  liveCalls: LiveCalls;
  draining: () => boolean;
  now?: () => Date;
}

const MESSAGES = {
  unknown_number: "Sorry, this number is not in service. Goodbye.",
  business_inactive: "Thanks for calling {business}. We are not taking calls right now. Goodbye.",
  ai_not_configured: "Thanks for calling {business}. Our phone assistant is not set up yet. Please call again later. Goodbye.",
  plan_minutes_exhausted: "Thanks for calling {business}. We can't take your call right now. Please call again later. Goodbye.",
  plan_concurrency: "Thanks for calling {business}. All of our lines are busy right now. Please call again in a few minutes. Goodbye.",
  instance_busy: "Thanks for calling {business}. All of our lines are busy right now. Please call again in a few minutes. Goodbye.",
  call_ended: "Goodbye.",
} as const;

/** Seconds of calls this calendar month (UTC), for the plan's minutes. */
async function secondsUsedThisMonth(db: Db, businessId: string, now: Date): Promise<number> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const r = await forBusiness(db, businessId).callLog.aggregate({ where: { startedAt: { gte: monthStart } }, _sum: { durationSec: true } });
  return r._sum.durationSec ?? 0;
}

export async function admitCall(deps: AdmissionDeps, call: IncomingCall): Promise<Admission> {
  const now = deps.now?.() ?? new Date();
  // System lookup: the dialled number is how we learn which business this call is for.
  const phone = await deps.db.phoneNumber.findUnique({ where: { e164: call.toNumber }, include: { business: true } });
  if (!phone || !phone.isActive) return { kind: "refuse", reason: "unknown_number", message: MESSAGES.unknown_number, fallbackNumber: null };
  const business = phone.business;
  const scoped = forBusiness(deps.db, business.id);
  const agent = await readAgentConfig(scoped);
  const profile = businessProfile(business);
  const say = (text: string) => personalise(text, business.name);

  const refuse = async (reason: RefusalReason, message: string): Promise<Admission> => {
    const log = await openCallLog(scoped, {
      businessId: business.id, callSid: call.callSid, fromNumber: call.fromNumber, toNumber: call.toNumber,
      status: "completed", endReason: reason, endedAt: now,
    });
    return { kind: "refuse", reason, message: say(message), fallbackNumber: agent.fallbackNumber, callId: log.id };
  };

  if (!business.isActive || business.deletedAt) return refuse("business_inactive", MESSAGES.business_inactive);
  if (!deps.config.openai.apiKey) return refuse("ai_not_configured", MESSAGES.ai_not_configured);
  if (agent.afterHours === "closed" && !isOpen(profile.hours, profile.timezone, now)) return refuse("closed", agent.closedMessage);
  if (deps.draining() || !deps.liveCalls.hasRoom()) return refuse("instance_busy", MESSAGES.instance_busy);
  const limits = planLimits(business.plan);
  // Over the included minutes a metered plan keeps answering (the minutes are billed); others refuse.
  if (limits.overage === "refuse" && (await secondsUsedThisMonth(deps.db, business.id, now)) >= limits.monthlyCallMinutes * 60) {
    return refuse("plan_minutes_exhausted", MESSAGES.plan_minutes_exhausted);
  }
  if (!(await deps.cache.acquireLease(leaseKey(business.id), call.callSid, limits.concurrentCalls, LEASE_TTL_MS))) {
    return refuse("plan_concurrency", MESSAGES.plan_concurrency);
  }
  const log = await openCallLog(scoped, {
    businessId: business.id, callSid: call.callSid, fromNumber: call.fromNumber, toNumber: call.toNumber, status: "ringing",
  });
  // The webhook of a call that already ended (a retried or replayed delivery): answering it
  // would hand out a fresh stream token and start a new agent session on a finished call.
  if (log.endedAt) {
    await deps.cache.releaseLease(leaseKey(business.id), call.callSid);
    return { kind: "refuse", reason: "call_ended", message: MESSAGES.call_ended, fallbackNumber: null, callId: log.id };
  }
  return {
    kind: "connect",
    context: {
      callId: log.id, callSid: call.callSid, businessId: business.id, direction: "inbound",
      fromNumber: call.fromNumber, toNumber: call.toNumber, plan: business.plan, business: profile, agent,
    },
  };
}
