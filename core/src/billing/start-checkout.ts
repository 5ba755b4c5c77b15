// Buying a plan: a Stripe Checkout session in subscription mode for the plan's price (plus the
// metered overage price when configured), for the business's Stripe customer (made on first
// use), with the business id as client_reference_id and in the subscription's metadata so
// every later webhook leads back to it. The plan changes only when Stripe's webhook says so.
import type { StripeConfig } from "../config/env.ts";
import type { TenantDb } from "../db/tenant.ts";
import { AppError } from "../errors.ts";
import type { Stripe } from "./stripe-client.ts";
import { priceForPlan, type PaidPlan } from "./stripe-prices.ts";

export interface BillingDeps {
  stripe: Stripe;
  config: StripeConfig;
  /** Where Stripe sends the owner back to (the dashboard's billing page). */
  returnUrl: string;
}

async function customerFor(deps: BillingDeps, db: TenantDb, business: { id: string; name: string; contactEmail: string | null }): Promise<string> {
  const existing = await db.subscription.findFirst({ select: { stripeCustomerId: true } });
  if (existing?.stripeCustomerId) return existing.stripeCustomerId;
  const customer = await deps.stripe.customers.create(
    { name: business.name, ...(business.contactEmail ? { email: business.contactEmail } : {}), metadata: { businessId: business.id } },
    // Two clicks at once make one customer.
    { idempotencyKey: `customer:${business.id}` },
  );
  await db.subscription.upsert({
    where: { businessId: business.id },
    create: { businessId: business.id, plan: "free", status: "incomplete", stripeCustomerId: customer.id },
    update: { stripeCustomerId: customer.id },
  });
  return customer.id;
}

export async function startCheckout(deps: BillingDeps, db: TenantDb, plan: PaidPlan): Promise<{ id: string; url: string }> {
  const price = priceForPlan(deps.config, plan);
  if (!price) {
    throw new AppError("validation_failed", {
      userMessage: `The ${plan} plan cannot be bought here (no Stripe price is configured for it).`,
      errors: [{ path: "body.plan", message: "has no Stripe price (STRIPE_PRICE_*)" }],
    });
  }
  const current = await db.subscription.findFirst({ select: { stripeSubscriptionId: true, status: true } });
  if (current?.stripeSubscriptionId && current.status !== "canceled") {
    // A second Checkout would start a second subscription: plan changes go through the portal.
    throw new AppError("conflict", { userMessage: "This business already has a subscription; change its plan in the billing portal." });
  }
  const business = await db.business.findFirstOrThrow({ select: { id: true, name: true, contactEmail: true } });
  const customer = await customerFor(deps, db, business);
  const session = await deps.stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    client_reference_id: business.id,
    line_items: [{ price, quantity: 1 }, ...(deps.config.overageMinutesPrice ? [{ price: deps.config.overageMinutesPrice }] : [])],
    subscription_data: { metadata: { businessId: business.id, plan } },
    metadata: { businessId: business.id, plan },
    success_url: `${deps.returnUrl}?checkout=success`,
    cancel_url: `${deps.returnUrl}?checkout=cancelled`,
  });
  if (!session.url) throw new AppError("unavailable", { message: `checkout session ${session.id} has no url` });
  return { id: session.id, url: session.url };
}

export async function openPortal(deps: BillingDeps, db: TenantDb): Promise<{ url: string }> {
  const sub = await db.subscription.findFirst({ select: { stripeCustomerId: true } });
  if (!sub?.stripeCustomerId) {
    throw new AppError("conflict", { reason: "no_billing_customer", userMessage: "This business has not bought a plan yet; choose one first." });
  }
  const session = await deps.stripe.billingPortal.sessions.create({ customer: sub.stripeCustomerId, return_url: deps.returnUrl });
  return { url: session.url };
}
