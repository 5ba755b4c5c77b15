// Metered minutes and the whole billing story against the Stripe stand-in: a business buys a
// plan, takes calls (Twilio's final duration), is invoiced, a payment fails, and after the
// grace period it is back on the default plan. Meter events survive a Stripe outage, once each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { openCallLog } from "@frontdesk/core/calls/open-call-log";
import { applyCallStatus } from "@frontdesk/core/calls/apply-call-status";
import { createJobWorker } from "@frontdesk/core/jobs/job-queue";
import { gracePeriodJobHandlers } from "@frontdesk/core/billing/billing-jobs";
import { GRACE_CHECK_JOB } from "@frontdesk/core/billing/apply-stripe-event";
import { METER_CALL_JOB } from "@frontdesk/core/billing/record-call-usage";
import { PLAN_LIMITS } from "@frontdesk/core/billing/plans";
import { jobHandlers } from "../../api/src/worker.ts";
import { call, sessionFor, type Api } from "../api/support/api-harness.ts";
import type { StripeStandIn } from "../stand-ins/stripe.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testCache, testDb, testLogger } from "../support/services.ts";
import { startBillingApi } from "./stripe-support.ts";

const db = testDb();
const cache = testCache();
const logger = testLogger();
let api: Api;
let stripe: StripeStandIn;
let config: Awaited<ReturnType<typeof startBillingApi>>["config"];
beforeAll(async () => {
  ({ api, stripe, config } = await startBillingApi());
});
afterAll(async () => {
  await api.close();
  await stripe.close();
  await cache.close();
});

/** Runs the business's due jobs with the app's own handlers (billing on). */
async function runJobs(biz: TestBusiness) {
  const w = createJobWorker({ db, logger, businessIds: [biz.business.id], pollMs: 3_600_000, handlers: jobHandlers({ config, db, cache, logger }) });
  try {
    await w.drain();
  } finally {
    await w.stop();
  }
}

/** Time passes: the business's queued jobs of a kind are due now. */
const dueNow = (biz: TestBusiness, kind: string) => db.job.updateMany({ where: { businessId: biz.business.id, kind, status: "queued" }, data: { runAt: new Date() } });

/** A phone call that Twilio reports completed after `durationSec`. */
async function finishedCall(biz: TestBusiness, durationSec: number, from = "+15550009999") {
  const callSid = `CA${crypto.randomUUID().replaceAll("-", "")}`;
  const log = await openCallLog(tenantDb(db, biz.business.id), { businessId: biz.business.id, callSid, fromNumber: from, toNumber: biz.phone.e164, status: "in_progress" });
  const r = await applyCallStatus(db, { callSid, status: "completed", durationSec });
  expect(r.applied).toBe(true);
  return { callId: log.id, callSid };
}

async function subscribe(biz: TestBusiness, plan: "starter" | "pro") {
  const owner = await sessionFor(api, biz.owner);
  const r = await call(api, "POST", "/v1/billing/checkout-sessions", { session: owner, business: biz.business.id, body: { plan } });
  expect(r.status, r.text).toBe(201);
  const session = stripe.checkoutSessions.get(r.body.url.split("/pay/")[1])!;
  expect(session).toMatchObject({ client_reference_id: biz.business.id, mode: "subscription", line_items: [{ price: `price_${plan}`, quantity: "1" }, { price: "price_minutes" }] });
  const { subscription, events } = await stripe.completeCheckout(session.id as string);
  for (const e of events) expect((await stripe.deliver(e)).status).toBe(200);
  return { owner, subscription };
}

const planOf = async (biz: TestBusiness) => (await db.business.findUniqueOrThrow({ where: { id: biz.business.id } })).plan;

describe("the billing story", () => {
  it("upgrade → calls metered → invoice paid → payment failed (grace) → downgrade to the default plan", async () => {
    const biz = await createTestBusiness(db, { plan: "free" });
    const { owner, subscription } = await subscribe(biz, "starter");
    expect(await planOf(biz)).toBe("starter");

    // Usage: the month's included minutes but one, then a call of 2 min 5 s (3 billed minutes, 2 past the plan).
    const included = PLAN_LIMITS.starter.monthlyCallMinutes;
    const big = await finishedCall(biz, (included - 1) * 60);
    const small = await finishedCall(biz, 125);
    await finishedCall(biz, 600, "browser"); // a dashboard test call: never billed
    await runJobs(biz);
    const mine = stripe.meterEvents.filter((e) => e.customer === String(subscription.customer));
    expect(mine.map((e) => [e.identifier, e.value, e.eventName]).sort()).toEqual([
      [big.callId, 0, "frontdesk_call_minutes"],
      [small.callId, 2, "frontdesk_call_minutes"],
    ].sort());
    const usage = await tenantDb(db, biz.business.id).usageEvent.findMany({ orderBy: { occurredAt: "asc" } });
    expect(usage.map((u) => [u.callId, u.quantity, u.reportedToStripeAt !== null])).toEqual([[big.callId, included - 1, true], [small.callId, 3, true]]);

    const paid = await stripe.invoice(subscription.id, "paid");
    expect(paid.minutes).toBe(2);
    expect((await stripe.deliver(paid.event)).status).toBe(200);
    expect(await planOf(biz)).toBe("starter");

    const failed = await stripe.invoice(subscription.id, "payment_failed");
    expect((await stripe.deliver(failed.event)).status).toBe(200);
    expect(await planOf(biz)).toBe("starter"); // the grace period
    const during = await call(api, "GET", "/v1/billing/subscription", { session: owner, business: biz.business.id });
    expect(during.body).toMatchObject({ billingEnabled: true, plan: "starter", status: "past_due", pastDueSince: expect.any(String), graceEndsAt: expect.any(String), purchasablePlans: ["starter", "pro"] });
    expect(new Date(during.body.graceEndsAt).getTime() - new Date(during.body.pastDueSince).getTime()).toBe(7 * 86_400_000);

    // Eight days later, still unpaid: the grace-period job puts the default plan in force.
    await dueNow(biz, GRACE_CHECK_JOB);
    const later = new Date(Date.now() + 8 * 86_400_000);
    const w = createJobWorker({ db, logger, businessIds: [biz.business.id], pollMs: 3_600_000, handlers: gracePeriodJobHandlers({ db, cache, logger, policy: config.billing, now: () => later }) });
    try {
      expect(await w.drain()).toBe(1);
    } finally {
      await w.stop();
    }
    expect(await planOf(biz)).toBe("free");
    const audit = await tenantDb(db, biz.business.id).auditLog.findMany({ where: { action: "business.plan_changed" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.metadata)).toEqual([
      expect.objectContaining({ from: "free", to: "starter" }),
      expect.objectContaining({ from: "starter", to: "free", reason: "payment grace period ended" }),
    ]);
    const after = await call(api, "GET", "/v1/billing/subscription", { session: owner, business: biz.business.id });
    expect(after.body).toMatchObject({ plan: "free", status: "past_due" });
    const portal = await call(api, "POST", "/v1/billing/portal-sessions", { session: owner, business: biz.business.id });
    expect(portal.status, portal.text).toBe(201);
    expect(portal.body.url).toMatch(/\/portal\/bps_/);

    // Another business sees none of it.
    const other = await createTestBusiness(db, { plan: "free" });
    const theirs = await call(api, "GET", "/v1/billing/subscription", { session: await sessionFor(api, other.owner), business: other.business.id });
    expect(theirs.body).toMatchObject({ plan: "free", status: null, pastDueSince: null });
    const noCustomer = await call(api, "POST", "/v1/billing/portal-sessions", { session: await sessionFor(api, other.owner), business: other.business.id });
    expect(noCustomer.status).toBe(409);
    expect(noCustomer.body.code).toBe("no_billing_customer");
  });
});

describe("meter events through a Stripe outage", () => {
  it("are retried by the job queue until Stripe has them, exactly once per call, even when an answer is lost", async () => {
    const biz = await createTestBusiness(db, { plan: "free" });
    await subscribe(biz, "pro");
    const { callId, callSid } = await finishedCall(biz, 61);
    // Twilio repeats its final callback: still one usage row and one job.
    await applyCallStatus(db, { callSid, status: "completed", durationSec: 61 });
    expect(await db.job.count({ where: { businessId: biz.business.id, kind: METER_CALL_JOB } })).toBe(1);
    const sent = () => stripe.meterEvents.filter((e) => e.identifier === callId);
    const usage = () => tenantDb(db, biz.business.id).usageEvent.findFirstOrThrow({ where: { callId } });

    stripe.outage = "down";
    await runJobs(biz);
    expect(sent()).toHaveLength(0);
    expect(await db.job.findFirstOrThrow({ where: { businessId: biz.business.id, kind: METER_CALL_JOB } })).toMatchObject({ status: "queued", attempts: 1, lastError: expect.stringMatching(/unavailable/i) });

    stripe.outage = "drop-after-accept"; // Stripe records it, the answer never arrives
    await dueNow(biz, METER_CALL_JOB);
    await runJobs(biz);
    expect(sent()).toHaveLength(1);
    expect((await usage()).reportedToStripeAt).toBeNull();

    stripe.outage = null;
    await dueNow(biz, METER_CALL_JOB);
    await runJobs(biz);
    expect(sent()).toHaveLength(1);
    expect(sent()[0]).toMatchObject({ value: 0, customer: expect.stringMatching(/^cus_/) });
    expect((await usage())).toMatchObject({ quantity: 2, reportedToStripeAt: expect.any(Date) });
    expect(await db.job.findFirstOrThrow({ where: { businessId: biz.business.id, kind: METER_CALL_JOB } })).toMatchObject({ status: "done" });
    const attempts = stripe.requests.filter((r) => r.path === "/v1/billing/meter_events" && r.params.identifier === callId);
    expect(attempts.map((r) => r.status)).toEqual([503, 500, 400]);
  });

  it("a business that never subscribed has its minutes recorded but nothing sent to Stripe", async () => {
    const biz = await createTestBusiness(db, { plan: "free" });
    const { callId } = await finishedCall(biz, 30);
    await runJobs(biz);
    expect(stripe.meterEvents.filter((e) => e.identifier === callId)).toHaveLength(0);
    expect(await tenantDb(db, biz.business.id).usageEvent.findFirstOrThrow({ where: { callId } })).toMatchObject({ quantity: 1, reportedToStripeAt: null });
  });
});
