// The vector store seam: pgvector in the app's own Postgres by default, Pinecone (one
// namespace per business) when configured. Chunk text and full-text search always stay in
// Postgres; a store only answers "which chunk ids are nearest to this vector".

export interface VectorRecord {
  /** The KnowledgeChunk id. */
  id: string;
  contentId: string;
  values: Float32Array;
  category: string | null;
  isPublic: boolean;
  /** The embedder id that made the vector. */
  model: string;
}

export interface VectorQuery {
  vector: Float32Array;
  topK: number;
  /** Only vectors made by this embedder are comparable with the query's. */
  model: string;
  category?: string | undefined;
  publicOnly?: boolean | undefined;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, higher is nearer. */
  score: number;
}

export interface VectorStore {
  readonly kind: "pgvector" | "pinecone";
  /**
   * "row": vectors live in KnowledgeChunk.embedding, so the indexer writes them in the same
   * INSERT as the chunk text (one write, one transaction). "remote": the indexer upserts them
   * here before the chunk rows commit, and deletes the replaced ones after.
   */
  readonly placement: "row" | "remote";
  upsert(businessId: string, records: VectorRecord[]): Promise<void>;
  delete(businessId: string, ids: string[]): Promise<void>;
  /** Removes every vector of a business (a business deleted, or a rebuild from scratch). */
  deleteBusiness(businessId: string): Promise<void>;
  query(businessId: string, q: VectorQuery): Promise<VectorMatch[]>;
}

/**
 * A vector as a query parameter in pgvector's binary format (int16 width, int16 unused, then
 * big-endian float4s). Sent as binary, Postgres decodes it with vector_recv: no float
 * printing or parsing on either side, and 6 KB on the wire instead of ~15 KB of text.
 */
export function toVectorParam(v: Float32Array): Buffer {
  const buf = Buffer.allocUnsafe(4 + v.length * 4);
  buf.writeInt16BE(v.length, 0);
  buf.writeInt16BE(0, 2);
  for (let i = 0; i < v.length; i++) buf.writeFloatBE(v[i]!, 4 + i * 4);
  return buf;
}

/**
 * The same in pgvector's halfvec binary format (int16 width, int16 unused, then big-endian
 * IEEE 754 half floats): what KnowledgeChunk.embedding stores, 3 KB for 1536 dimensions.
 * Rounded to nearest, ties to even, as Postgres's own float4-to-half cast does.
 */
export function toHalfvecParam(v: Float32Array): Buffer {
  const buf = Buffer.allocUnsafe(4 + v.length * 2);
  buf.writeInt16BE(v.length, 0);
  buf.writeInt16BE(0, 2);
  for (let i = 0; i < v.length; i++) buf.writeUInt16BE(toHalf(v[i]!), 4 + i * 2);
  return buf;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const HALF_MAX = 0x7bff;

/** One float32 as half-float bits (finite values only: larger ones clamp to ±65504). */
export function toHalf(x: number): number {
  f32[0] = x;
  const bits = f32Bits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent >= 0x1f) return sign | HALF_MAX;
  if (exponent <= 0) {
    // Subnormal in half precision (or zero): shift the implicit 1 in, round what falls off.
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (rest > halfway || (rest === halfway && half & 1) ? half + 1 : half);
  }
  const half = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to HALF_MAX + 1 = infinity).
  const rounded = rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half;
  return sign | Math.min(rounded, HALF_MAX);
}
