// Everything the relay knows about a call it has agreed to answer: read once at the voice
// webhook and handed to the stream (or read again if the stream lands on another instance).
import type { CallStatus, Plan } from "@prisma/client";
import type { Db } from "@frontdesk/core/db/client";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { readAgentConfig, type AgentConfig } from "@frontdesk/core/agent/agent-config";
import { businessProfile, callBrief, layerCallBrief, type BusinessProfile } from "@frontdesk/core/agent/instructions";

export { businessProfile };

export interface CallContext {
  callId: string;
  callSid: string;
  businessId: string;
  direction: "inbound" | "outbound" | "web";
  fromNumber: string;
  toNumber: string;
  plan: Plan;
  business: BusinessProfile;
  agent: AgentConfig;
}

const ENDED: ReadonlySet<CallStatus> = new Set(["completed", "busy", "failed", "no_answer", "canceled"]);

/** Rebuilds a call's context from the database (the stream reached another instance). */
export async function loadCallContext(db: Db, businessId: string, callId: string): Promise<CallContext | null> {
  const scoped = forBusiness(db, businessId);
  const call = await scoped.callLog.findFirst({ where: { id: callId }, include: { business: true } });
  // A call that has ended is never run again: a replayed stream (token and signature copied
  // from a finished call, still within the token's lifetime) would start a new agent session.
  if (!call || call.endedAt || ENDED.has(call.status)) return null;
  return {
    callId: call.id,
    callSid: call.callSid,
    businessId,
    direction: call.direction,
    fromNumber: call.fromNumber,
    toNumber: call.toNumber,
    plan: call.business.plan,
    business: businessProfile(call.business),
    // An outbound call's agent carries the call's brief (as admitOutboundCall gave it).
    agent: call.direction === "outbound" ? layerCallBrief(await readAgentConfig(scoped), callBrief(call)) : await readAgentConfig(scoped),
  };
}
