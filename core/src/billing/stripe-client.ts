// The Stripe SDK, configured: Stripe's API, or any base URL that speaks it (STRIPE_API_BASE_URL,
// the local stand-in in tests). The SDK's own retries stay on for reads and session creation;
// meter events are retried by the durable job queue instead (see report-call-usage.ts).
import Stripe from "stripe";
import type { StripeConfig } from "../config/env.ts";

export type { Stripe };

export function createStripe(config: Pick<StripeConfig, "secretKey" | "apiBaseUrl">, opts: { maxNetworkRetries?: number } = {}): Stripe {
  const base = config.apiBaseUrl ? new URL(config.apiBaseUrl) : undefined;
  return new Stripe(config.secretKey, {
    maxNetworkRetries: opts.maxNetworkRetries ?? 2,
    timeout: 20_000,
    ...(base
      ? { host: base.hostname, port: base.port || (base.protocol === "https:" ? 443 : 80), protocol: base.protocol.replace(":", "") as "http" | "https" }
      : {}),
  });
}
