// Picks the vector store: Pinecone when PINECONE_API_KEY and PINECONE_INDEX_HOST are set,
// else pgvector in the app's Postgres.
import type { AppConfig } from "../../config/env.ts";
import type { Db } from "../../db/client.ts";
import { createPgvectorStore } from "./pgvector-store.ts";
import { createPineconeStore } from "./pinecone-store.ts";
import type { VectorStore } from "./vector-store.ts";

export type { VectorStore, VectorRecord, VectorQuery, VectorMatch } from "./vector-store.ts";

export function createVectorStore(deps: { db: Db; config: Pick<AppConfig, "pinecone"> }): VectorStore {
  const pinecone = deps.config.pinecone;
  return pinecone
    ? createPineconeStore({ apiKey: pinecone.apiKey, indexHost: pinecone.indexHost, controllerUrl: pinecone.controllerUrl })
    : createPgvectorStore(deps.db);
}
