// Stripe's webhooks, applied. Each event is handled once (ProcessedEvent by event id, written
// after the effects, which are themselves idempotent, so a crash between the two only repeats
// harmless work). Subscription events re-read the subscription from Stripe rather than trust
// the payload, so events arriving out of order cannot roll the state back. Every path ends
// in applyEffectivePlan: the Subscription row is Stripe's story, Business.plan the outcome.
import type { Plan } from "@prisma/client";
import type { Db } from "../db/client.ts";
import type { Cache } from "../cache/cache.ts";
import type { StripeConfig } from "../config/env.ts";
import type { Logger } from "../observability/logger.ts";
import { tenantDb } from "../db/tenant.ts";
import { SYSTEM_ACTOR } from "../audit/record-audit.ts";
import { enqueueJob } from "../jobs/job-queue.ts";
import type { Stripe } from "./stripe-client.ts";
import { changePlan } from "./change-plan.ts";
import { effectivePlan, graceEndsAt, statusFromStripe, type BillingPolicy } from "./effective-plan.ts";
import { planForPrices } from "./stripe-prices.ts";

export const GRACE_CHECK_JOB = "billing.grace_check";

export interface StripeSyncDeps {
  db: Db;
  cache: Pick<Cache, "publish">;
  stripe: Stripe;
  config: StripeConfig;
  policy: BillingPolicy;
  logger?: Logger;
  now?: () => Date;
}

export const HANDLED_STRIPE_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
] as const;

export async function applyStripeEvent(deps: StripeSyncDeps, event: Stripe.Event): Promise<"processed" | "duplicate" | "ignored"> {
  const key = { source_eventId: { source: "stripe", eventId: event.id } };
  if (await deps.db.processedEvent.findUnique({ where: key })) return "duplicate";
  const outcome = await dispatch(deps, event);
  await deps.db.processedEvent.create({ data: { source: "stripe", eventId: event.id } }).catch((err: { code?: string }) => {
    if (err.code !== "P2002") throw err; // a concurrent delivery of the same event recorded it first
  });
  return outcome;
}

async function dispatch(deps: StripeSyncDeps, event: Stripe.Event): Promise<"processed" | "ignored"> {
  switch (event.type) {
    case "checkout.session.completed": {
      const session = event.data.object;
      const businessId = session.client_reference_id;
      const subscriptionId = idOf(session.subscription);
      if (!businessId || !subscriptionId || !(await businessExists(deps.db, businessId))) return ignored(deps, event, "no business or subscription");
      await syncSubscription(deps, businessId, await deps.stripe.subscriptions.retrieve(subscriptionId), event.type);
      return "processed";
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const payload = event.data.object;
      const businessId = await businessFor(deps.db, payload.metadata?.businessId, idOf(payload.customer));
      if (!businessId) return ignored(deps, event, "no business for this customer");
      const current = event.type === "customer.subscription.deleted" ? payload : await deps.stripe.subscriptions.retrieve(payload.id);
      await syncSubscription(deps, businessId, current, event.type);
      return "processed";
    }
    case "invoice.paid":
    case "invoice.payment_failed": {
      const invoice = event.data.object;
      const businessId = await businessFor(deps.db, undefined, idOf(invoice.customer));
      if (!businessId) return ignored(deps, event, "no business for this customer");
      const paid = event.type === "invoice.paid";
      const at = new Date(event.created * 1000);
      const db = tenantDb(deps.db, businessId);
      const sub = await db.subscription.findFirst();
      if (!sub || sub.status === "canceled") return ignored(deps, event, "no live subscription");
      const updated = await db.subscription.update({
        where: { businessId },
        data: paid ? { status: "active", pastDueSince: null } : { status: "past_due", pastDueSince: sub.pastDueSince ?? at },
      });
      if (!paid) await scheduleGraceCheck(deps, businessId, graceEndsAt(updated, deps.policy)!);
      await applyEffectivePlan(deps, businessId, event.type);
      return "processed";
    }
    default:
      return "ignored";
  }
}

async function syncSubscription(deps: StripeSyncDeps, businessId: string, sub: Stripe.Subscription, reason: string): Promise<void> {
  const db = tenantDb(deps.db, businessId);
  const existing = await db.subscription.findFirst();
  const item = sub.items.data[0];
  const plan: Plan = planForPrices(deps.config, sub.items.data.map((i) => i.price.id)) ?? existing?.plan ?? deps.policy.defaultPlan;
  const status = statusFromStripe(sub.status);
  const now = deps.now?.() ?? new Date();
  const data = {
    plan,
    status,
    stripeCustomerId: idOf(sub.customer),
    stripeSubscriptionId: sub.id,
    currentPeriodStart: item ? new Date(item.current_period_start * 1000) : null,
    currentPeriodEnd: item ? new Date(item.current_period_end * 1000) : null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    pastDueSince: status === "past_due" ? (existing?.pastDueSince ?? now) : null,
  };
  const saved = await db.subscription.upsert({ where: { businessId }, create: { businessId, ...data }, update: data });
  if (saved.pastDueSince) await scheduleGraceCheck(deps, businessId, graceEndsAt(saved, deps.policy)!);
  await applyEffectivePlan(deps, businessId, reason);
}

/** Puts the subscription's plan in force (or the default plan), on every instance at once. */
export async function applyEffectivePlan(deps: Omit<StripeSyncDeps, "stripe" | "config">, businessId: string, reason: string): Promise<Plan> {
  const sub = await tenantDb(deps.db, businessId).subscription.findFirst();
  const plan = sub ? effectivePlan(sub, deps.policy, deps.now?.() ?? new Date()) : deps.policy.defaultPlan;
  await changePlan(deps, businessId, { plan, actor: SYSTEM_ACTOR, reason });
  return plan;
}

/** When the grace period ends, look again: still unpaid then means the default plan. */
async function scheduleGraceCheck(deps: StripeSyncDeps, businessId: string, at: Date): Promise<void> {
  await enqueueJob(deps.db, { businessId, kind: GRACE_CHECK_JOB, payload: {}, runAt: at, dedupeKey: `${GRACE_CHECK_JOB}:${businessId}` });
}

async function businessExists(db: Db, businessId: string): Promise<boolean> {
  return (await db.business.count({ where: { id: businessId, deletedAt: null } })) > 0;
}

// System lookup across tenants on purpose: a Stripe customer is how we learn whose event it is.
async function businessFor(db: Db, fromMetadata: string | undefined, customerId: string | null): Promise<string | null> {
  if (customerId) {
    const sub = await db.subscription.findUnique({ where: { stripeCustomerId: customerId }, select: { businessId: true } });
    if (sub) return sub.businessId;
  }
  return fromMetadata && (await businessExists(db, fromMetadata)) ? fromMetadata : null;
}

function idOf(ref: string | { id: string } | null | undefined): string | null {
  return ref == null ? null : typeof ref === "string" ? ref : ref.id;
}

function ignored(deps: StripeSyncDeps, event: Stripe.Event, why: string): "ignored" {
  deps.logger?.warn({ eventId: event.id, type: event.type, why }, "stripe event ignored");
  return "ignored";
}
