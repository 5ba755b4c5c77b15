// What the knowledge engine runs on: the database, an embedder and a vector store. Callers
// hand in { db, cache, config } and get the configured pair (OpenAI or local, Pinecone or
// pgvector); tests and the benchmark may hand in their own embedder or store instead.
import type { AppConfig } from "../config/env.ts";
import type { Cache } from "../cache/cache.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";
import { createEmbedder, type Embedder } from "./embedders/index.ts";
import { createLocalEmbedder } from "./embedders/local-embedder.ts";
import { createVectorStore, type VectorStore } from "./stores/index.ts";
import { createPgvectorStore } from "./stores/pgvector-store.ts";

export interface KnowledgeDepsInput {
  db: Db;
  /** Caches query embeddings; optional (no cache: every query is embedded). */
  cache?: Cache;
  /** Chooses OpenAI/local and Pinecone/pgvector; without it: local + pgvector. */
  config?: Pick<AppConfig, "openai" | "pinecone"> & Partial<Pick<AppConfig, "knowledge">>;
  logger?: Logger;
  embedder?: Embedder;
  store?: VectorStore;
}

export interface KnowledgeDeps {
  db: Db;
  embedder: Embedder;
  store: VectorStore;
  logger: Logger | undefined;
}

export function resolveKnowledgeDeps(input: KnowledgeDepsInput): KnowledgeDeps {
  const embedder =
    input.embedder ??
    (input.config ? createEmbedder({ config: input.config, cache: input.cache, logger: input.logger }) : createLocalEmbedder());
  const store = input.store ?? (input.config ? createVectorStore({ db: input.db, config: input.config }) : createPgvectorStore(input.db));
  return { db: input.db, embedder, store, logger: input.logger };
}
