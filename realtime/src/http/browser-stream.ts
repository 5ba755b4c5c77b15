// WS /browser/stream?ticket=…[&format=binary]: the dashboard's test call. Before the upgrade
// the socket's Origin must be the dashboard's (DASHBOARD_URL) and its ticket (minted by the
// API for a signed-in member, core/calls/test-call-ticket) is spent: one socket per ticket,
// within its minute. The call is then admitted and run on the same session as a phone call.
import type WebSocket from "ws";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import { redeemTestCallTicket, type TestCallTicketClaims } from "@frontdesk/core/calls/test-call-ticket";
import { admitBrowserCall } from "../admission/admit-browser-call.ts";
import type { CallContext } from "../admission/call-context.ts";
import type { LiveCalls } from "../admission/live-calls.ts";
import type { RelayMetrics } from "../metrics.ts";
import { BrowserTransport, type BrowserAudioFormat } from "../transports/browser.ts";
import type { CallTransport } from "../transports/transport.ts";
import type { AgentTool } from "../tools/tool.ts";
import type { ModelSocket } from "../model/socket.ts";
import { prepareModel } from "../model/prepare.ts";

export interface BrowserUpgrade {
  claims: Pick<TestCallTicketClaims, "businessId" | "userId">;
  format: BrowserAudioFormat;
}

export type BrowserUpgradeCheck = { ok: true; upgrade: BrowserUpgrade } | { ok: false; status: 401 | 403; reason: "origin_not_allowed" | "browser_ticket" };

/**
 * Checks a browser socket before it is accepted: the Origin first (so a foreign page cannot
 * even spend a ticket), then the ticket, spent whatever happens next.
 */
export async function checkBrowserUpgrade(
  deps: { cache: Pick<Cache, "take">; dashboardOrigin: string },
  url: string,
  origin: string | undefined,
): Promise<BrowserUpgradeCheck> {
  if (origin !== deps.dashboardOrigin) return { ok: false, status: 403, reason: "origin_not_allowed" };
  const params = new URL(url, "http://relay").searchParams;
  const claims = await redeemTestCallTicket(deps.cache, params.get("ticket"));
  if (!claims) return { ok: false, status: 401, reason: "browser_ticket" };
  return { ok: true, upgrade: { claims, format: params.get("format") === "binary" ? "binary" : "json" } };
}

export interface BrowserStreamDeps {
  config: Pick<AppConfig, "openai">;
  db: Db;
  cache: Pick<Cache, "acquireLease">;
  liveCalls: LiveCalls;
  logger: Logger;
  metrics: RelayMetrics;
  tools: readonly AgentTool[];
  runCall: (call: { transport: CallTransport; context: CallContext; model?: ModelSocket }) => Promise<unknown>;
}

export async function acceptBrowserStream(ws: WebSocket, { claims, format }: BrowserUpgrade, deps: BrowserStreamDeps): Promise<void> {
  const log = deps.logger.child({ businessId: claims.businessId, userId: claims.userId });
  const transport = new BrowserTransport(ws, { logger: log, format });
  try {
    const admission = await admitBrowserCall(deps, claims.businessId);
    if (!admission.ok) {
      deps.metrics.streamRejected(admission.reason);
      transport.sendError(admission.message);
      return transport.close(4403, admission.reason);
    }
    const { context } = admission;
    const model = prepareModel({ config: deps.config, logger: log, tools: deps.tools }, context);
    transport.ready({ callId: context.callId });
    await deps.runCall({ transport, context, model });
  } catch (err) {
    log.error({ err }, "browser call failed");
    transport.sendError("The test call could not start.");
    transport.close(1011, "error");
  }
}
