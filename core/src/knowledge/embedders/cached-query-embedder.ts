// Query embeddings cached in the shared cache (Redis in production) by model id + text, so a
// question asked again, by any instance, costs no embedding call. Document embeddings are
// not cached: each chunk is embedded once, when it is indexed.
import { createHash } from "node:crypto";
import type { Cache } from "../../cache/cache.ts";
import type { Logger } from "../../observability/logger.ts";
import { VECTOR_DIMENSIONS, type Embedder } from "./embedder.ts";

export interface QueryCacheOptions {
  ttlMs?: number;
  logger?: Logger;
}

export function withQueryCache(embedder: Embedder, cache: Cache, opts: QueryCacheOptions = {}): Embedder {
  const ttlMs = opts.ttlMs ?? 7 * 24 * 3600_000;
  const keyFor = (text: string) =>
    "knowledge:qemb:" + createHash("sha256").update(embedder.id).update("\n").update(normaliseQuery(text)).digest("base64url");

  return {
    id: embedder.id,
    noiseFloor: embedder.noiseFloor,
    fusionWeight: embedder.fusionWeight,
    embedDocuments: (texts) => embedder.embedDocuments(texts),
    async embedQuery(text, queryOpts) {
      const key = keyFor(text);
      // A cache outage costs an embedding call, never the search.
      const hit = await cache.get(key).catch((err: unknown) => {
        opts.logger?.warn({ err }, "query embedding cache read failed");
        return null;
      });
      if (hit) {
        const bytes = Buffer.from(hit, "base64");
        if (bytes.length === VECTOR_DIMENSIONS * 4) return new Float32Array(bytes.buffer, bytes.byteOffset, VECTOR_DIMENSIONS).slice();
      }
      const v = await embedder.embedQuery(normaliseQuery(text), queryOpts);
      await cache
        .set(key, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64"), ttlMs)
        .catch((err: unknown) => opts.logger?.warn({ err }, "query embedding cache write failed"));
      return v;
    },
  };
}

/** Questions that differ only in spacing or case share one cache entry. */
export function normaliseQuery(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}
