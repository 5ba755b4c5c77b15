// Stripe's webhook: only events signed with our secret over the exact bytes, recent, and each
// once; and the off switch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { call, sessionFor, startApi, type Api } from "../api/support/api-harness.ts";
import type { StripeStandIn } from "../stand-ins/stripe.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";
import { startBillingApi } from "./stripe-support.ts";

const db = testDb();
let api: Api;
let stripe: StripeStandIn;
beforeAll(async () => {
  ({ api, stripe } = await startBillingApi());
});
afterAll(async () => {
  await api.close();
  await stripe.close();
});

/** A business that went through Checkout for `plan`, with the events Stripe would send. */
async function checkedOut(plan: "starter" | "pro") {
  const biz = await createTestBusiness(db, { plan: "free" });
  const owner = await sessionFor(api, biz.owner);
  const r = await call(api, "POST", "/v1/billing/checkout-sessions", { session: owner, business: biz.business.id, body: { plan } });
  expect(r.status, r.text).toBe(201);
  const sessionId = r.body.url.split("/pay/")[1];
  return { biz, owner, ...(await stripe.completeCheckout(sessionId)) };
}

const planOf = async (businessId: string) => (await db.business.findUniqueOrThrow({ where: { id: businessId } })).plan;
const planChanges = (businessId: string) => tenantDb(db, businessId).auditLog.count({ where: { action: "business.plan_changed" } });

describe("POST /stripe/webhook", () => {
  it("applies a validly signed event; a replay of it is acknowledged and changes nothing more", async () => {
    const { biz, events } = await checkedOut("starter");
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const first = await stripe.deliver(completed);
    expect(first.status, first.body).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ outcome: "processed" });
    expect(await planOf(biz.business.id)).toBe("starter");
    const again = await stripe.deliver(completed);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ outcome: "duplicate" });
    expect(await planChanges(biz.business.id)).toBe(1);
  });

  it("refuses forged, tampered and expired signatures with 400, and applies nothing", async () => {
    const { biz, events } = await checkedOut("pro");
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const forged = await stripe.deliver(completed, { secret: "whsec_not_ours" });
    const expired = await stripe.deliver(completed, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const signed = JSON.stringify(completed, null, 2);
    const tampered = await stripe.deliver(completed, { alter: (p) => p.replace(biz.business.id, "biz_someone_else") });
    for (const r of [forged, expired, tampered]) expect(r.status).toBe(400);
    const unsigned = await fetch(stripe.webhookUrl!, { method: "POST", headers: { "content-type": "application/json" }, body: signed });
    expect(unsigned.status).toBe(400);
    expect(await planOf(biz.business.id)).toBe("free");
    expect(await db.processedEvent.count({ where: { source: "stripe", eventId: completed.id } })).toBe(0);
    // The genuine delivery still works afterwards.
    expect((await stripe.deliver(completed)).status).toBe(200);
    expect(await planOf(biz.business.id)).toBe("pro");
  });

  it("events in either order end in the same state (the subscription is re-read from Stripe)", async () => {
    const { biz, events } = await checkedOut("pro");
    for (const e of events) expect((await stripe.deliver(e)).status).toBe(200);
    const sub = await tenantDb(db, biz.business.id).subscription.findFirstOrThrow();
    expect(sub).toMatchObject({ plan: "pro", status: "active", stripeSubscriptionId: expect.stringMatching(/^sub_/), cancelAtPeriodEnd: false });
    expect(await planOf(biz.business.id)).toBe("pro");
    const owner = await sessionFor(api, biz.owner);
    const second = await call(api, "POST", "/v1/billing/checkout-sessions", { session: owner, business: biz.business.id, body: { plan: "starter" } });
    expect(second.status).toBe(409);
    expect(second.body.detail).toMatch(/billing portal/);
  });

  it("a cancelled subscription puts the business back on the default plan", async () => {
    const { biz, subscription, events } = await checkedOut("pro");
    for (const e of events) await stripe.deliver(e);
    expect(await planOf(biz.business.id)).toBe("pro");
    const deleted = await stripe.setSubscriptionStatus(subscription.id, "canceled");
    expect(deleted.type).toBe("customer.subscription.deleted");
    expect((await stripe.deliver(deleted)).status).toBe(200);
    expect(await planOf(biz.business.id)).toBe("free");
    expect(await tenantDb(db, biz.business.id).subscription.findFirstOrThrow()).toMatchObject({ status: "canceled", plan: "pro" });
  });

  it("an event for a customer we do not know is acknowledged and ignored", async () => {
    const event = stripe.makeEvent("invoice.paid", { id: "in_x", object: "invoice", customer: "cus_unknown" });
    const r = await stripe.deliver(event);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ outcome: "ignored" });
  });
});

describe("billing off (no STRIPE_SECRET_KEY)", () => {
  let plain: Api;
  beforeAll(async () => {
    plain = await startApi();
  });
  afterAll(async () => {
    await plain.close();
  });

  it("says so to the dashboard, refuses checkout and portal with 409 billing_disabled, and has no Stripe webhook", async () => {
    const biz = await createTestBusiness(db, { plan: "free" });
    const owner = await sessionFor(plain, biz.owner);
    const sub = await call(plain, "GET", "/v1/billing/subscription", { session: owner, business: biz.business.id });
    expect(sub.status, sub.text).toBe(200);
    expect(sub.body).toEqual({ billingEnabled: false, plan: "free", status: null, currentPeriodEnd: null, cancelAtPeriodEnd: false, pastDueSince: null, graceEndsAt: null, purchasablePlans: [] });
    for (const path of ["/v1/billing/checkout-sessions", "/v1/billing/portal-sessions"]) {
      const r = await call(plain, "POST", path, { session: owner, business: biz.business.id, body: path.includes("checkout") ? { plan: "pro" } : undefined });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("billing_disabled");
    }
    const hook = await fetch(`${plain.url}/stripe/webhook`, { method: "POST", body: "{}" });
    expect(hook.status).toBe(404);
    const caps = await call(plain, "GET", "/v1/capabilities", { session: owner, business: biz.business.id });
    expect(caps.body.billing).toEqual({ ready: false, reason: expect.stringMatching(/STRIPE_SECRET_KEY/) });
    const on = await call(api, "GET", "/v1/capabilities", { session: await sessionFor(api, biz.owner), business: biz.business.id });
    expect(on.body.billing).toEqual({ ready: true, reason: null });
  });
});
