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
