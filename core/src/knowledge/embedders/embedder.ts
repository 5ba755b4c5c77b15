// The embedding seam: OpenAI in production, a local lexical embedder with nothing configured.
// Both produce 1536 numbers per text (the width of KnowledgeChunk.embedding), L2-normalised.

/** Width of every stored vector; narrower models are zero-padded (cosine is unchanged). */
export const VECTOR_DIMENSIONS = 1536;

export interface Embedder {
  /**
   * Names the model and its settings, stored with every vector. Vectors with different ids
   * are never compared: search only looks at chunks embedded by the current embedder.
   */
  readonly id: string;
  /**
   * Cosine similarity under which a match is noise (texts sharing nothing). Search drops
   * vector matches below it. Undefined: no floor (not calibrated for the model).
   */
  readonly noiseFloor?: number;
  /**
   * Weight of this embedder's ranking when fused with full-text search (default 1). A lexical
   * embedder repeats full text's evidence without its per-business word rarity, so counts less.
   */
  readonly fusionWeight?: number;
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  /**
   * A caller's question, on the search path: answered fast or not at all (no retries; the
   * search gives up at its time budget and aborts `signal`).
   */
  embedQuery(text: string, opts?: QueryEmbeddingOptions): Promise<Float32Array>;
}

export interface QueryEmbeddingOptions {
  /** Aborted when the search stops waiting (its budget spent). */
  signal?: AbortSignal;
}

/** Scales a vector to unit length in place; a zero vector stays zero. */
export function normalise(v: Float32Array): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  if (sq === 0) return v;
  const inv = 1 / Math.sqrt(sq);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
