// Call events: what happens on a business's calls, as the dashboard's live view and the
// business's webhooks see it. Published on the cache for live listeners (any instance);
// the webhook-worthy ones are also written to the durable job table for delivery.
import type { Cache, Unsubscribe } from "../cache/cache.ts";
import { enqueueJob, type JobWriter } from "../jobs/job-queue.ts";

export type CallEventType =
  | "call.started"
  | "call.transcript" // one finished utterance; live view only, not a webhook
  | "call.ended"
  | "call.analysed"
  | "message.taken";

export interface CallEvent {
  /** evt_…, unique: webhook receivers dedupe on it. */
  id: string;
  type: CallEventType;
  businessId: string;
  callId: string;
  /** ISO time the event happened. */
  at: string;
  data: Record<string, unknown>;
}

/** Events about the business rather than a call: delivered to webhooks only. */
export type NoticeEventType = "knowledge.indexed" | "webhook_endpoint.disabled";

export interface NoticeEvent {
  id: string;
  type: NoticeEventType;
  businessId: string;
  at: string;
  data: Record<string, unknown>;
}

/** What a webhook endpoint may subscribe to and receive. */
export type BusinessEvent = CallEvent | NoticeEvent;

export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  "call.started", "call.ended", "call.analysed", "message.taken", "knowledge.indexed", "webhook_endpoint.disabled",
];
export const WEBHOOK_FANOUT_JOB = "webhook.fanout";

const channel = (businessId: string) => `calls:${businessId}`;

export function newEventId(): string {
  return `evt_${Date.now().toString(16).padStart(12, "0")}${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

export async function emitCallEvent(
  deps: { db: JobWriter; cache: Pick<Cache, "publish"> },
  event: Omit<CallEvent, "id" | "at"> & { id?: string; at?: string },
): Promise<CallEvent> {
  const full: CallEvent = { ...event, id: event.id ?? newEventId(), at: event.at ?? new Date().toISOString() };
  if (WEBHOOK_EVENT_TYPES.includes(full.type)) await queueWebhookFanOut(deps.db, full);
  await deps.cache.publish(channel(full.businessId), JSON.stringify(full)).catch(() => {});
  return full;
}

/** A notice (not the live call stream): queued for the business's webhooks, in the writer's transaction if it is one. */
export async function emitNoticeEvent(
  db: JobWriter,
  event: Omit<NoticeEvent, "id" | "at"> & { id?: string; at?: string },
): Promise<NoticeEvent> {
  const full: NoticeEvent = { ...event, id: event.id ?? newEventId(), at: event.at ?? new Date().toISOString() };
  await queueWebhookFanOut(db, full);
  return full;
}

function queueWebhookFanOut(db: JobWriter, event: BusinessEvent): Promise<void> {
  return enqueueJob(db, {
    businessId: event.businessId,
    kind: WEBHOOK_FANOUT_JOB,
    payload: event as unknown as Record<string, string>,
    dedupeKey: `webhook:${event.id}`,
  });
}

export function subscribeCallEvents(
  cache: Pick<Cache, "subscribe">,
  businessId: string,
  onEvent: (e: CallEvent) => void,
): Promise<Unsubscribe> {
  return cache.subscribe(channel(businessId), (m) => {
    try {
      onEvent(JSON.parse(m) as CallEvent);
    } catch {
      /* a malformed message is dropped, never thrown into the publisher */
    }
  });
}
