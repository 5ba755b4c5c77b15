// POST /stripe/webhook: Stripe's events. Mounted before the JSON parser and the spec matcher:
// the signature covers the raw bytes, so they are verified as received (constructEvent) and
// only then parsed. A bad or stale signature is a 400 Stripe shows in its dashboard; a
// failure while applying is a 500, which Stripe retries (with backoff, for up to 3 days).
import express, { type Router } from "express";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { Stripe } from "@frontdesk/core/billing/stripe-client";

export const STRIPE_WEBHOOK_PATH = "/stripe/webhook";

export interface StripeWebhookDeps {
  logger: Logger;
  stripe: Stripe;
  webhookSecret: string;
  /** Applies a verified event (core's applyStripeEvent, bound to the database by app.ts). */
  apply(event: Stripe.Event): Promise<string>;
}

export function stripeWebhook(deps: StripeWebhookDeps): Router {
  const router = express.Router();
  router.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: "1mb" }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event: Stripe.Event;
    try {
      event = deps.stripe.webhooks.constructEvent(raw, req.header("stripe-signature") ?? "", deps.webhookSecret);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, "stripe webhook refused: bad signature");
      return void res.status(400).json({ error: "invalid signature" });
    }
    try {
      const outcome = await deps.apply(event);
      deps.logger.info({ eventId: event.id, type: event.type, outcome }, "stripe event");
      res.status(200).json({ received: true, outcome });
    } catch (err) {
      deps.logger.error({ err, eventId: event.id, type: event.type }, "stripe event failed; Stripe will retry");
      res.status(500).json({ error: "could not apply the event" });
    }
  });
  return router;
}
