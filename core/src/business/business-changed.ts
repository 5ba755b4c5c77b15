// "This business changed" (its keys, its plan, its profile): every API instance drops what it
// cached about the business's keys and the business row with them, via the cache's pub/sub.
import type { Cache } from "../cache/cache.ts";

export const BUSINESS_CHANGED_CHANNEL = "keys:invalidate";

export async function announceBusinessChanged(cache: Pick<Cache, "publish">, businessId: string): Promise<void> {
  await cache.publish(BUSINESS_CHANGED_CHANNEL, businessId);
}
