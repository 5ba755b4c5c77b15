// Billing for the dashboard: the subscription (and whether billing is on at all), Stripe
// Checkout to buy a plan, the Customer Portal to manage it. The plan itself only changes when
// Stripe's webhook confirms (stripe-webhook.ts).
import { startCheckout, openPortal } from "@frontdesk/core/billing/start-checkout";
import { graceEndsAt } from "@frontdesk/core/billing/effective-plan";
import { purchasablePlans } from "@frontdesk/core/billing/stripe-prices";
import { tenantOperation } from "../http/operation.ts";
import { conflict } from "../http/api-error.ts";
import type { TenantServices } from "../services.ts";
import { isoOrNull } from "./present.ts";

function stripeOrRefuse(services: TenantServices) {
  if (!services.billing.stripe) throw conflict("billing_disabled", "Billing is not enabled on this frontdesk.");
  return services.billing.stripe;
}

export const billingOperations = [
  tenantOperation("getSubscription", async ({ tenant, services }) => {
    const sub = await tenant.db.subscription.findFirst();
    const live = sub && sub.stripeSubscriptionId ? sub : null;
    return {
      status: 200,
      body: {
        billingEnabled: Boolean(services.billing.stripe),
        plan: tenant.business.plan,
        status: live?.status ?? null,
        currentPeriodEnd: isoOrNull(live?.currentPeriodEnd ?? null),
        cancelAtPeriodEnd: live?.cancelAtPeriodEnd ?? false,
        pastDueSince: isoOrNull(live?.pastDueSince ?? null),
        graceEndsAt: isoOrNull(live ? graceEndsAt(live, services.billing.policy) : null),
        purchasablePlans: purchasablePlans(services.billing.stripe?.config),
      },
    };
  }),

  tenantOperation("createCheckoutSession", async ({ tenant, body, services }) => {
    const session = await startCheckout(stripeOrRefuse(services), tenant.db, body.plan);
    return { status: 201, body: { url: session.url } };
  }),

  tenantOperation("createPortalSession", async ({ tenant, services }) => {
    return { status: 201, body: await openPortal(stripeOrRefuse(services), tenant.db) };
  }),
];
