// Manual redelivery: one more attempt at a past delivery (failed, or succeeded but lost on the
// receiver's side), right away, with the same event id so the receiver can dedupe. It counts
// toward the endpoint's health like any attempt; no automatic retries follow.
import type { WebhookDelivery, WebhookEndpoint } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import type { Logger } from "../observability/logger.ts";
import { attemptDelivery, recordAttempt, type DeliveryDeps } from "./deliver-webhook.ts";
import { noteEndpointOutcome } from "./endpoint-health.ts";

export async function redeliverWebhook(
  deps: DeliveryDeps & { db: TenantDb; logger?: Logger },
  endpoint: Pick<WebhookEndpoint, "id" | "url" | "secret">,
  delivery: Pick<WebhookDelivery, "id" | "eventId" | "eventType" | "payload">,
): Promise<WebhookDelivery> {
  const now = deps.now ?? (() => new Date());
  const outcome = await attemptDelivery(deps, endpoint, delivery);
  const row = await recordAttempt(deps.db, delivery.id, outcome, null, now());
  await noteEndpointOutcome(deps.db, endpoint.id, outcome.ok, now(), deps.logger);
  return row;
}
