// Admits, at the voice webhook, an outbound call the API placed (POST /v1/calls): the call's
// id comes in the webhook URL Twilio was given (signed with it), so the call is found even
// before the API has stored Twilio's SID. The API already applied the business's rules; here
// the business must still be active with AI configured, and the call takes its place in the
// plan's concurrent calls like any other. The agent gets the business's configuration with
// the call's brief layered on (core/src/agent/instructions.ts).
import { forBusiness } from "@frontdesk/core/db/tenant";
import { readAgentConfig } from "@frontdesk/core/agent/agent-config";
import { callBrief, layerCallBrief } from "@frontdesk/core/agent/instructions";
import { planLimits } from "@frontdesk/core/billing/plans";
import type { Admission, AdmissionDeps } from "./admit-call.ts";
import { businessProfile } from "./call-context.ts";
import { leaseKey, LEASE_TTL_MS } from "./live-calls.ts";

const HANG_UP = "Sorry, we can't continue this call right now. Goodbye.";

export async function admitOutboundCall(deps: AdmissionDeps, call: { callSid: string; callId: string; toNumber: string }): Promise<Admission> {
  const now = deps.now?.() ?? new Date();
  const refuse = (reason: "unknown_number" | "business_inactive" | "ai_not_configured" | "plan_concurrency" | "instance_busy", callId?: string): Admission =>
    ({ kind: "refuse", reason, message: HANG_UP, fallbackNumber: null, ...(callId ? { callId } : {}) });
  // System lookup: the id in the signed URL is how we learn which business placed this call.
  const row = await deps.db.callLog.findUnique({ where: { id: call.callId }, include: { business: true } });
  if (!row || row.direction !== "outbound" || row.toNumber !== call.toNumber || row.endedAt) return refuse("unknown_number");
  const scoped = forBusiness(deps.db, row.businessId);
  const end = async (reason: "business_inactive" | "ai_not_configured" | "plan_concurrency" | "instance_busy") => {
    await scoped.callLog.update({ where: { id: row.id }, data: { callSid: call.callSid, status: "completed", endReason: reason, endedAt: now } });
    return refuse(reason, row.id);
  };
  const { business } = row;
  if (!business.isActive || business.deletedAt) return end("business_inactive");
  if (!deps.config.openai.apiKey) return end("ai_not_configured");
  if (deps.draining() || !deps.liveCalls.hasRoom()) return end("instance_busy");
  if (!(await deps.cache.acquireLease(leaseKey(business.id), call.callSid, planLimits(business.plan).concurrentCalls, LEASE_TTL_MS))) {
    return end("plan_concurrency");
  }
  await scoped.callLog.update({ where: { id: row.id }, data: { callSid: call.callSid, status: "ringing" } });
  return {
    kind: "connect",
    context: {
      callId: row.id, callSid: call.callSid, businessId: business.id, direction: "outbound",
      fromNumber: row.fromNumber, toNumber: row.toNumber, plan: business.plan, business: businessProfile(business),
      agent: layerCallBrief(await readAgentConfig(scoped), callBrief(row)),
    },
  };
}
