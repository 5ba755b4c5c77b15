// One delivery attempt: POST the event to the endpoint, signed, through the SSRF guard
// (post-webhook.ts), and record what happened (status, first 2 KB of the answer, duration,
// error) on the WebhookDelivery row.
import type { WebhookDelivery, WebhookEndpoint } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import { SIGNATURE_HEADER, signPayload } from "./signature.ts";
import { postWebhook, TargetRefused, type Resolver } from "./post-webhook.ts";

export const RESPONSE_BODY_LIMIT = 2048;

export interface DeliveryDeps {
  timeoutMs?: number;
  /** Allow loopback/private targets (WEBHOOK_ALLOW_PRIVATE_TARGETS: development and tests). */
  allowPrivateTargets?: boolean;
  /** Host name resolution; the system resolver unless a test stands in for DNS. */
  resolve?: Resolver;
  now?: () => Date;
}

export interface AttemptOutcome {
  ok: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

export async function attemptDelivery(
  deps: DeliveryDeps,
  endpoint: Pick<WebhookEndpoint, "url" | "secret">,
  delivery: Pick<WebhookDelivery, "id" | "eventId" | "eventType" | "payload">,
): Promise<AttemptOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const body = JSON.stringify(delivery.payload);
  try {
    const res = await postWebhook({
      url: endpoint.url,
      body,
      allowPrivateTargets: deps.allowPrivateTargets ?? false,
      resolve: deps.resolve,
      timeoutMs: deps.timeoutMs ?? 10_000,
      bodyLimit: RESPONSE_BODY_LIMIT,
      headers: {
        "content-type": "application/json",
        "user-agent": "frontdesk-webhooks/1",
        [SIGNATURE_HEADER]: signPayload(endpoint.secret, body, Math.floor(now().getTime() / 1000)),
        "Frontdesk-Event-Id": delivery.eventId,
        "Frontdesk-Event-Type": delivery.eventType,
        "Frontdesk-Delivery-Id": delivery.id,
      },
    });
    const ok = res.status >= 200 && res.status < 300;
    return { ok, responseStatus: res.status, responseBody: res.body, durationMs: elapsed(), error: ok ? null : `endpoint answered ${res.status}` };
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { name?: string; code?: string } };
    const reason =
      e instanceof TargetRefused ? `refused: ${e.message}`
      : e.name === "TimeoutError" || e.cause?.name === "TimeoutError" ? "could not deliver: timed out"
      : `could not deliver: ${e.code ?? e.cause?.code ?? e.message}`;
    return { ok: false, responseStatus: null, responseBody: null, durationMs: elapsed(), error: reason };
  }
}

/** Records an attempt; `nextAttemptAt` null means no retry will follow. */
export async function recordAttempt(
  db: Pick<TenantDb, "webhookDelivery">,
  deliveryId: string,
  outcome: AttemptOutcome,
  nextAttemptAt: Date | null,
  now: Date,
): Promise<WebhookDelivery> {
  return db.webhookDelivery.update({
    where: { id: deliveryId },
    data: {
      attempts: { increment: 1 },
      status: outcome.ok ? "succeeded" : nextAttemptAt ? "pending" : "failed",
      responseStatus: outcome.responseStatus,
      responseBody: outcome.responseBody,
      durationMs: outcome.durationMs,
      lastError: outcome.error,
      deliveredAt: outcome.ok ? now : null,
      nextAttemptAt: outcome.ok ? null : nextAttemptAt,
    },
  });
}
