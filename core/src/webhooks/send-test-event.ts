// "Send test event": one delivery of a `webhook.test` event to one endpoint, right away, with
// no retries; the API answers with its outcome.
import type { WebhookDelivery, WebhookEndpoint } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import { newEventId, type CallEvent } from "../calls/call-events.ts";
import { attemptDelivery, recordAttempt, type DeliveryDeps } from "./deliver-webhook.ts";

export async function sendTestEvent(
  deps: DeliveryDeps & { db: TenantDb },
  endpoint: Pick<WebhookEndpoint, "id" | "businessId" | "url" | "secret">,
): Promise<WebhookDelivery> {
  const now = deps.now ?? (() => new Date());
  const event = {
    id: newEventId(),
    type: "webhook.test",
    businessId: endpoint.businessId,
    callId: "call_test",
    at: now().toISOString(),
    data: { message: "This is a test event from frontdesk." },
  } satisfies Omit<CallEvent, "type"> & { type: string };
  const delivery = await deps.db.webhookDelivery.create({
    data: { businessId: endpoint.businessId, endpointId: endpoint.id, eventId: event.id, eventType: event.type, payload: event },
  });
  const outcome = await attemptDelivery(deps, endpoint, delivery);
  return recordAttempt(deps.db, delivery.id, outcome, null, now());
}
