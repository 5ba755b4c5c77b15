// Picks the embedder for the environment: OpenAI when OPENAI_API_KEY is set, else the local
// lexical one. Query embeddings go through the shared cache either way.
import type { AppConfig } from "../../config/env.ts";
import type { Cache } from "../../cache/cache.ts";
import type { Logger } from "../../observability/logger.ts";
import type { Embedder } from "./embedder.ts";
import { createLocalEmbedder } from "./local-embedder.ts";
import { createOpenAIEmbedder } from "./openai-embedder.ts";
import { withQueryCache } from "./cached-query-embedder.ts";

export type { Embedder } from "./embedder.ts";
export { VECTOR_DIMENSIONS } from "./embedder.ts";

export function createEmbedder(deps: { config: Pick<AppConfig, "openai"> & Partial<Pick<AppConfig, "knowledge">>; cache?: Cache; logger?: Logger }): Embedder {
  const { openai } = deps.config;
  const embedder = openai.apiKey
    ? createOpenAIEmbedder({
        apiKey: openai.apiKey,
        baseUrl: openai.baseUrl,
        model: openai.embeddingModel,
        dimensions: openai.embeddingDimensions,
        queryTimeoutMs: deps.config.knowledge?.queryEmbeddingBudgetMs,
      })
    : createLocalEmbedder();
  return deps.cache ? withQueryCache(embedder, deps.cache, { logger: deps.logger }) : embedder;
}
