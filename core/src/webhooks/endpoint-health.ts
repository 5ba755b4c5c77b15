// An endpoint's health across deliveries: the first failed attempt starts a failing run, any
// success ends it, and an endpoint whose every attempt has failed for AUTO_DISABLE_AFTER_MS is
// disabled, with an audit entry and a `webhook_endpoint.disabled` notice to the business's
// other endpoints. Its pending deliveries then end `failed` ("endpoint disabled").
import type { Logger } from "../observability/logger.ts";
import type { TenantDb } from "../db/tenant.ts";
import { recordAudit, SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { emitNoticeEvent } from "../calls/call-events.ts";

export const AUTO_DISABLE_AFTER_MS = 3 * 24 * 3_600_000;

export async function noteEndpointOutcome(
  db: TenantDb,
  endpointId: string,
  ok: boolean,
  now: Date,
  logger?: Logger,
): Promise<"healthy" | "failing" | "disabled"> {
  if (ok) {
    await db.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: { not: null } }, data: { failingSince: null } });
    return "healthy";
  }
  await db.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: null }, data: { failingSince: now } });
  const cutoff = new Date(now.getTime() - AUTO_DISABLE_AFTER_MS);
  const reason = "every delivery attempt failed for 3 days";
  // One transaction, conditional on still being active: of racing workers only one disables it.
  const disabled = await db.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, isActive: true, failingSince: { lte: cutoff } },
      data: { isActive: false, disabledAt: now, disabledReason: reason },
    });
    if (count === 0) return null;
    const endpoint = await tx.webhookEndpoint.findFirstOrThrow({ where: { id: endpointId } });
    await recordAudit(tx, SYSTEM_ACTOR, { action: "webhook_endpoint.disabled", targetType: "webhook_endpoint", targetId: endpointId, metadata: { reason } });
    await emitNoticeEvent(tx, {
      type: "webhook_endpoint.disabled",
      businessId: endpoint.businessId,
      at: now.toISOString(),
      data: { webhookEndpointId: endpointId, url: endpoint.url, reason, failingSince: endpoint.failingSince?.toISOString() ?? null },
    });
    return endpoint;
  });
  if (!disabled) return "failing";
  logger?.warn({ businessId: disabled.businessId, endpointId, url: disabled.url }, "webhook endpoint disabled after persistent failure");
  return "disabled";
}
