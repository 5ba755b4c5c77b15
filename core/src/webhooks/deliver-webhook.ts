// One delivery attempt: POST the event to the endpoint, signed, without following redirects,
// and record what happened (status, first 2 KB of the answer, duration, error) on the
// WebhookDelivery row.
import type { WebhookDelivery, WebhookEndpoint } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import { SIGNATURE_HEADER, signPayload } from "./signature.ts";
import { webhookTargetProblem } from "./target-policy.ts";

export const RESPONSE_BODY_LIMIT = 2048;

export interface DeliveryDeps {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Allow loopback/private targets (development and tests). */
  allowPrivateTargets?: boolean;
  now?: () => Date;
}

export interface AttemptOutcome {
  ok: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

async function readSome(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  return text.slice(0, RESPONSE_BODY_LIMIT);
}

export async function attemptDelivery(
  deps: DeliveryDeps,
  endpoint: Pick<WebhookEndpoint, "url" | "secret">,
  delivery: Pick<WebhookDelivery, "id" | "eventId" | "eventType" | "payload">,
): Promise<AttemptOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = performance.now();
  const blocked = webhookTargetProblem(endpoint.url, deps.allowPrivateTargets ?? false);
  if (blocked) return { ok: false, responseStatus: null, responseBody: null, durationMs: 0, error: `endpoint URL ${blocked}` };
  const body = JSON.stringify(delivery.payload);
  try {
    const res = await (deps.fetch ?? fetch)(endpoint.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      headers: {
        "content-type": "application/json",
        "user-agent": "frontdesk-webhooks/1",
        [SIGNATURE_HEADER]: signPayload(endpoint.secret, body, Math.floor(now().getTime() / 1000)),
        "Frontdesk-Event-Id": delivery.eventId,
        "Frontdesk-Event-Type": delivery.eventType,
        "Frontdesk-Delivery-Id": delivery.id,
      },
      body,
    });
    const responseBody = await readSome(res);
    const ok = res.status >= 200 && res.status < 300;
    return {
      ok,
      responseStatus: res.status,
      responseBody,
      durationMs: Math.round(performance.now() - started),
      error: ok ? null : `endpoint answered ${res.status}`,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === "TimeoutError" ? "timed out" : (e.cause?.code ?? e.message);
    return { ok: false, responseStatus: null, responseBody: null, durationMs: Math.round(performance.now() - started), error: `could not deliver: ${reason}` };
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
