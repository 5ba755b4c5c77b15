// Plan and usage. The upgrade and portal buttons appear only when the API says billing is on
// (getSubscription's billingEnabled, Stripe configured); a member who may not manage billing,
// or a frontdesk without Stripe, sees the plan and what was used against its limits.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { refused } from "$lib/server/forms";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const [usage, subscription] = await Promise.all([
    get<Schemas["Usage"]>(event, "/v1/usage"),
    api<Schemas["BillingSubscription"]>(event, "GET", "/v1/billing/subscription"),
  ]);
  return { usage, subscription: subscription.ok ? subscription.data : null };
};

export const actions: Actions = {
  /** Stripe Checkout for a plan: the plan changes once Stripe confirms the payment. */
  upgrade: async (event) => {
    const plan = String((await event.request.formData()).get("plan") ?? "") as Schemas["CheckoutSessionCreate"]["plan"];
    const r = await api<Schemas["BillingRedirect"]>(event, "POST", "/v1/billing/checkout-sessions", { body: { plan } });
    if (!r.ok) return refused(r.problem, {}, "billing");
    redirect(303, r.data.url);
  },
  portal: async (event) => {
    const r = await api<Schemas["BillingRedirect"]>(event, "POST", "/v1/billing/portal-sessions");
    if (!r.ok) return refused(r.problem, {}, "billing");
    redirect(303, r.data.url);
  },
};
