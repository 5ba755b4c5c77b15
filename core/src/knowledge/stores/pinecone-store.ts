// Pinecone through the official SDK: one namespace per business, so a query can only see its
// own business's vectors; metadata carries what search filters on. The SDK retries 5xx.
import { Errors, Pinecone, type Index, type PineconeRecord } from "@pinecone-database/pinecone";
import type { VectorMatch, VectorQuery, VectorRecord, VectorStore } from "./vector-store.ts";

export interface PineconeStoreOptions {
  apiKey: string;
  /** The index's data-plane URL (PINECONE_INDEX_HOST). */
  indexHost: string;
  controllerUrl?: string | undefined;
  maxRetries?: number;
}

type ChunkMetadata = { contentId: string; category: string; isPublic: boolean; model: string };

/** Pinecone's documented caps: 2 MB and 1,000 records per upsert, 1,000 ids per delete. */
const UPSERT_MAX_RECORDS = 1000;
const UPSERT_MAX_BYTES = 1_500_000; // under 2 MB with room for the envelope
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
      let batch: PineconeRecord<ChunkMetadata>[] = [];
      let bytes = 0;
      const flush = async () => {
        if (batch.length) await ns.upsert({ records: batch });
        batch = [];
        bytes = 0;
      };
      for (const r of records) {
        const record: PineconeRecord<ChunkMetadata> = {
          id: r.id,
          values: float32Values(r.values),
          // Pinecone metadata has no null: "" stands for "no category".
          metadata: { contentId: r.contentId, category: r.category ?? "", isPublic: r.isPublic, model: r.model },
        };
        const size = JSON.stringify(record).length;
        if (batch.length >= UPSERT_MAX_RECORDS || (batch.length > 0 && bytes + size > UPSERT_MAX_BYTES)) await flush();
        batch.push(record);
        bytes += size;
      }
      await flush();
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
        vector: float32Values(q.vector),
        topK: q.topK,
        filter,
        includeValues: false,
        includeMetadata: false,
      });
      return res.matches.map((m) => ({ id: m.id, score: m.score ?? 0 }));
    },
  };
}

/**
 * A float32's value at its own precision (7 significant digits): JSON.stringify of the raw
 * widened double prints ~18 digits, which nearly triples the request size for nothing.
 */
function float32Values(v: Float32Array): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] === 0 ? 0 : Number(v[i]!.toPrecision(7));
  return out;
}
