// Admits the dashboard's test call: the business must be active with AI configured and
// have a free place in its plan's concurrent calls; hours and minutes do not apply (the
// owner is testing). The call is logged like any other, with direction "web".
import { randomUUID } from "node:crypto";
import type { Db } from "@frontdesk/core/db/client";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { AppConfig } from "@frontdesk/core/config/env";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { readAgentConfig } from "@frontdesk/core/agent/agent-config";
import { planLimits } from "@frontdesk/core/billing/plans";
import { openCallLog } from "@frontdesk/core/calls/open-call-log";
import { businessProfile, type CallContext } from "./call-context.ts";
import { leaseKey, LEASE_TTL_MS, type LiveCalls } from "./live-calls.ts";

export type BrowserAdmission = { ok: true; context: CallContext } | { ok: false; reason: string; message: string };

export async function admitBrowserCall(
  deps: { db: Db; cache: Pick<Cache, "acquireLease">; config: Pick<AppConfig, "openai">; liveCalls: LiveCalls },
  businessId: string,
): Promise<BrowserAdmission> {
  const business = await deps.db.business.findUnique({ where: { id: businessId } });
  if (!business || !business.isActive || business.deletedAt) return { ok: false, reason: "business_inactive", message: "This business is not active." };
  if (!deps.config.openai.apiKey) return { ok: false, reason: "ai_not_configured", message: "Voice AI is not configured on this server (OPENAI_API_KEY is not set)." };
  if (!deps.liveCalls.hasRoom()) return { ok: false, reason: "instance_busy", message: "The relay is at capacity; try again shortly." };
  const callSid = `web_${randomUUID().replaceAll("-", "")}`;
  if (!(await deps.cache.acquireLease(leaseKey(business.id), callSid, planLimits(business.plan).concurrentCalls, LEASE_TTL_MS))) {
    return { ok: false, reason: "plan_concurrency", message: "All of this plan's concurrent calls are in use." };
  }
  const scoped = forBusiness(deps.db, business.id);
  const agent = await readAgentConfig(scoped);
  const log = await openCallLog(scoped, { businessId: business.id, callSid, fromNumber: "browser", toNumber: "web", direction: "web", status: "ringing" });
  return {
    ok: true,
    context: {
      callId: log.id, callSid, businessId: business.id, direction: "web", fromNumber: "browser", toNumber: "web",
      plan: business.plan, business: businessProfile(business), agent,
    },
  };
}
