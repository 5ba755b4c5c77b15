// Stripe prices <-> plans, from STRIPE_PRICE_* (config). A subscription's plan is the plan of
// the first of its items whose price is a plan price (the overage price rides along).
import type { Plan } from "@prisma/client";
import type { StripeConfig } from "../config/env.ts";

export type PaidPlan = Exclude<Plan, "free">;

export function priceForPlan(config: Pick<StripeConfig, "prices">, plan: PaidPlan): string | undefined {
  return config.prices[plan];
}

export function planForPrices(config: Pick<StripeConfig, "prices">, priceIds: string[]): Plan | undefined {
  for (const id of priceIds) {
    for (const [plan, price] of Object.entries(config.prices)) if (price && price === id) return plan as Plan;
  }
  return undefined;
}

export function purchasablePlans(config: Pick<StripeConfig, "prices"> | undefined): PaidPlan[] {
  if (!config) return [];
  return (Object.entries(config.prices) as [PaidPlan, string | undefined][]).filter(([, price]) => price).map(([plan]) => plan);
}
