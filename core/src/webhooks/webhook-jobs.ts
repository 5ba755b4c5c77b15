// Webhook jobs. `webhook.fanout` (enqueued by emitCallEvent) creates one WebhookDelivery per
// active endpoint subscribed to the event and queues `webhook.deliver` for each; a delivery
// job makes one attempt and, on failure, re-arms itself on a growing schedule until it
// succeeds or runs out of attempts. Each outcome feeds the endpoint's health, which disables
// an endpoint failing for three days (endpoint-health.ts).
import type { Job, Prisma } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { forBusiness, tenantDb } from "../db/tenant.ts";
import { enqueueJob, type JobHandler } from "../jobs/job-queue.ts";
import type { Logger } from "../observability/logger.ts";
import { WEBHOOK_FANOUT_JOB, type BusinessEvent } from "../calls/call-events.ts";
import { attemptDelivery, recordAttempt, type DeliveryDeps } from "./deliver-webhook.ts";
import { noteEndpointOutcome } from "./endpoint-health.ts";

export const WEBHOOK_DELIVER_JOB = "webhook.deliver";
/** Wait before each retry: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h (8 attempts over ~21 h). */
export const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000];

export interface WebhookJobDeps extends DeliveryDeps {
  db: Db;
  logger: Logger;
  retryDelaysMs?: number[];
}

const deliverJobKey = (deliveryId: string) => `${WEBHOOK_DELIVER_JOB}:${deliveryId}`;

export async function fanOutEvent(deps: Pick<WebhookJobDeps, "db">, event: BusinessEvent): Promise<string[]> {
  const scoped = forBusiness(deps.db, event.businessId);
  const endpoints = await scoped.webhookEndpoint.findMany({
    where: { isActive: true, events: { has: event.type } },
    select: { id: true },
  });
  if (endpoints.length === 0) return [];
  // Written with the plain transaction client (a tenant scope cannot wrap a transaction);
  // every row names the event's business explicitly.
  return deps.db.$transaction(async (tx) => {
    await tx.webhookDelivery.createMany({
      data: endpoints.map((e) => ({
        businessId: event.businessId,
        endpointId: e.id,
        eventId: event.id,
        eventType: event.type,
        payload: event as unknown as Prisma.InputJsonValue,
      })),
      skipDuplicates: true,
    });
    const deliveries = await tx.webhookDelivery.findMany({
      where: { businessId: event.businessId, eventId: event.id, endpointId: { in: endpoints.map((e) => e.id) }, status: "pending", attempts: 0 },
      select: { id: true },
    });
    for (const d of deliveries) {
      await enqueueJob(tx, { businessId: event.businessId, kind: WEBHOOK_DELIVER_JOB, payload: { deliveryId: d.id }, dedupeKey: deliverJobKey(d.id) });
    }
    return deliveries.map((d) => d.id);
  });
}

/** Makes one attempt at a delivery and schedules the next if it failed. */
export async function deliverOnce(deps: WebhookJobDeps, businessId: string, deliveryId: string): Promise<"succeeded" | "retrying" | "failed" | "skipped"> {
  const now = deps.now ?? (() => new Date());
  const delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const scoped = forBusiness(deps.db, businessId);
  const delivery = await scoped.webhookDelivery.findFirst({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!delivery || delivery.status !== "pending") return "skipped";
  if (!delivery.endpoint.isActive) {
    await scoped.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "failed", lastError: "endpoint disabled", nextAttemptAt: null } });
    return "failed";
  }
  const outcome = await attemptDelivery(deps, delivery.endpoint, delivery);
  const delay = delays[delivery.attempts];
  const next = outcome.ok || delay === undefined ? null : new Date(now().getTime() + delay);
  await recordAttempt(scoped, delivery.id, outcome, next, now());
  await noteEndpointOutcome(tenantDb(deps.db, businessId), delivery.endpointId, outcome.ok, now(), deps.logger);
  if (outcome.ok) return "succeeded";
  if (!next) {
    deps.logger.warn({ businessId, deliveryId, endpointId: delivery.endpointId, err: outcome.error }, "webhook delivery gave up");
    return "failed";
  }
  await enqueueJob(deps.db, { businessId, kind: WEBHOOK_DELIVER_JOB, payload: { deliveryId }, runAt: next, dedupeKey: deliverJobKey(deliveryId) });
  return "retrying";
}

function payloadField(job: Job, key: string): string {
  const v = (job.payload as Record<string, unknown> | null)?.[key];
  if (typeof v !== "string") throw new Error(`${job.kind} job without ${key}`);
  return v;
}

export function webhookJobHandlers(deps: WebhookJobDeps): Record<string, JobHandler> {
  return {
    [WEBHOOK_FANOUT_JOB]: async (job) => {
      const event = job.payload as unknown as BusinessEvent;
      if (!event || typeof event.id !== "string" || typeof event.type !== "string") throw new Error("webhook.fanout job without an event");
      if (event.businessId !== job.businessId) throw new Error("webhook.fanout event names another business");
      await fanOutEvent(deps, event);
    },
    [WEBHOOK_DELIVER_JOB]: async (job) => {
      await deliverOnce(deps, job.businessId, payloadField(job, "deliveryId"));
    },
  };
}
