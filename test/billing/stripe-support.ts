// The API with billing on, pointed at the Stripe stand-in; and the job worker's billing jobs.
import { startStripeStandIn, type StripeStandIn } from "../stand-ins/stripe.ts";
import { startApi, type Api } from "../api/support/api-harness.ts";
import { testConfig } from "../support/services.ts";

export const PRICES = { STRIPE_PRICE_STARTER: "price_starter", STRIPE_PRICE_PRO: "price_pro", STRIPE_PRICE_OVERAGE_MINUTES: "price_minutes" };

export function billingEnv(stripe: StripeStandIn): Record<string, string> {
  return { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_BASE_URL: stripe.url, ...PRICES };
}

export async function startBillingApi(): Promise<{ api: Api; stripe: StripeStandIn; config: ReturnType<typeof testConfig> }> {
  const stripe = await startStripeStandIn();
  const config = testConfig(billingEnv(stripe));
  const api = await startApi({ config });
  stripe.webhookUrl = `${api.url}/stripe/webhook`;
  return { api, stripe, config };
}
