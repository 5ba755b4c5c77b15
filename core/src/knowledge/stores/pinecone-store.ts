// Pinecone through the official SDK: one namespace per business, so a query can only see its
// own business's vectors; metadata carries what search filters on. The SDK retries 5xx.
import { Errors, Pinecone, type Index } from "@pinecone-database/pinecone";
import type { VectorMatch, VectorQuery, VectorRecord, VectorStore } from "./vector-store.ts";

export interface PineconeStoreOptions {
  apiKey: string;
  /** The index's data-plane URL (PINECONE_INDEX_HOST). */
  indexHost: string;
  controllerUrl?: string | undefined;
  maxRetries?: number;
}

type ChunkMetadata = { contentId: string; category: string; isPublic: boolean; model: string };

/** Pinecone's documented caps: 2 MB per upsert (~100 dense 1536-d records), 1,000 ids per delete. */
const UPSERT_BATCH = 100;
const DELETE_BATCH = 1000;

export function createPineconeStore(opts: PineconeStoreOptions): VectorStore {
  const pc = new Pinecone({
    apiKey: opts.apiKey,
    ...(opts.controllerUrl ? { controllerHostUrl: opts.controllerUrl } : {}),
    maxRetries: opts.maxRetries ?? 3,
  });
  const namespace = (businessId: string): Index<ChunkMetadata> =>
    pc.index<ChunkMetadata>({ host: opts.indexHost, namespace: businessId });

  return {
    kind: "pinecone",
    placement: "remote",

    async upsert(businessId, records: VectorRecord[]) {
      const ns = namespace(businessId);
      for (let i = 0; i < records.length; i += UPSERT_BATCH) {
        await ns.upsert({
          records: records.slice(i, i + UPSERT_BATCH).map((r) => ({
            id: r.id,
            values: Array.from(r.values),
            // Pinecone metadata has no null: "" stands for "no category".
            metadata: { contentId: r.contentId, category: r.category ?? "", isPublic: r.isPublic, model: r.model },
          })),
        });
      }
    },

    async delete(businessId, ids) {
      const ns = namespace(businessId);
      for (let i = 0; i < ids.length; i += DELETE_BATCH) await ns.deleteMany({ ids: ids.slice(i, i + DELETE_BATCH) });
    },

    async deleteBusiness(businessId) {
      try {
        await namespace(businessId).deleteAll();
      } catch (err) {
        if (!(err instanceof Errors.PineconeNotFoundError)) throw err; // no namespace yet: nothing to delete
      }
    },

    async query(businessId, q: VectorQuery): Promise<VectorMatch[]> {
      const filter: Record<string, unknown> = { model: { $eq: q.model } };
      if (q.category !== undefined) filter.category = { $eq: q.category };
      if (q.publicOnly) filter.isPublic = { $eq: true };
      const res = await namespace(businessId).query({
        vector: Array.from(q.vector),
        topK: q.topK,
        filter,
        includeValues: false,
        includeMetadata: false,
      });
      return res.matches.map((m) => ({ id: m.id, score: m.score ?? 0 }));
    },
  };
}
