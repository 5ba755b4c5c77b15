// Hard deletion of a business after its grace period: its vectors in whichever store holds
// them (pgvector rows, or its Pinecone namespace), its keys in the shared cache, then its row —
// every table it owns cascades from it. The business's own audit trail goes with it, so the
// purge leaves a tombstone (ProcessedEvent `business.purged`, keyed by the id) and a log line.
import type { Db } from "../db/client.ts";
import type { Cache } from "../cache/cache.ts";
import type { Logger } from "../observability/logger.ts";
import type { VectorStore } from "../knowledge/stores/vector-store.ts";

export interface PurgeDeps {
  db: Db;
  store: Pick<VectorStore, "deleteBusiness">;
  cache: Pick<Cache, "deleteMatching">;
  logger: Logger;
}

export const PURGED_EVENT_SOURCE = "business.purged";

/** Deletes everything of a soft-deleted business; refuses one that is not deleted. */
export async function purgeBusiness(deps: PurgeDeps, businessId: string): Promise<{ purged: boolean; cacheKeys: number }> {
  const { db, store, cache, logger } = deps;
  const business = await db.business.findUnique({ where: { id: businessId }, select: { id: true, deletedAt: true } });
  if (!business) return { purged: false, cacheKeys: 0 };
  if (!business.deletedAt) throw new Error(`business ${businessId} is not deleted; refusing to purge it`);
  // Outside data first: if the row went first, a failure here would leave vectors nobody can find.
  await store.deleteBusiness(businessId);
  const cacheKeys = await cache.deleteMatching(businessId);
  await db.$transaction([
    db.processedEvent.upsert({
      where: { source_eventId: { source: PURGED_EVENT_SOURCE, eventId: businessId } },
      create: { source: PURGED_EVENT_SOURCE, eventId: businessId },
      update: {},
    }),
    db.business.delete({ where: { id: businessId } }),
  ]);
  logger.info({ audit: PURGED_EVENT_SOURCE, businessId, deletedAt: business.deletedAt.toISOString(), cacheKeys }, "business purged");
  return { purged: true, cacheKeys };
}
