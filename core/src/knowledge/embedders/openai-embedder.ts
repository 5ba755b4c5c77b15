// OpenAI embeddings through the official SDK (base URL configurable, so tests point it at a
// local stand-in). Requests are batched within the API's limits (2,048 inputs and 300,000
// tokens per request, 8,191 tokens per input); for documents, 429 and 5xx are retried by the
// SDK with exponential backoff that honours Retry-After; a query is tried once, within its
// budget. Vectors narrower than 1536 are zero-padded.
import OpenAI from "openai";
import { countTokens } from "../chunking/tokens.ts";
import { VECTOR_DIMENSIONS, normalise, type Embedder } from "./embedder.ts";

export const OPENAI_LIMITS = { maxInputsPerRequest: 2048, maxTokensPerRequest: 300_000, maxTokensPerInput: 8191 } as const;

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  model: string;
  /** Output width asked of the model (text-embedding-3-* only); at most 1536. */
  dimensions?: number;
  /** SDK retries on 408/409/429/5xx and connection errors, with backoff. */
  maxRetries?: number;
  timeoutMs?: number;
  /**
   * A query embedding's timeout: a caller is waiting, so it is never retried and gives up
   * at this (the search's budget; default 800 ms).
   */
  queryTimeoutMs?: number;
  /** Per request, below the API's own limits (tests lower them to force batching). */
  maxInputsPerRequest?: number;
  maxTokensPerRequest?: number;
}

export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const dimensions = opts.dimensions ?? VECTOR_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > VECTOR_DIMENSIONS) {
    throw new RangeError(`embedding dimensions must be an integer from 1 to ${VECTOR_DIMENSIONS}, got ${dimensions}`);
  }
  // Only the text-embedding-3 family can shorten its vectors on request.
  const sendsDimensions = opts.model.startsWith("text-embedding-3");
  if (!sendsDimensions && opts.dimensions !== undefined && opts.dimensions !== VECTOR_DIMENSIONS) {
    throw new RangeError(`${opts.model} has a fixed width; embedding dimensions can only be set for text-embedding-3 models`);
  }
  const client = new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseUrl,
    maxRetries: opts.maxRetries ?? 5,
    timeout: opts.timeoutMs ?? 60_000,
  });
  const maxInputs = Math.min(opts.maxInputsPerRequest ?? OPENAI_LIMITS.maxInputsPerRequest, OPENAI_LIMITS.maxInputsPerRequest);
  // Token counts here are estimates: keep a fifth of the real budget in reserve.
  const maxTokens = Math.min(opts.maxTokensPerRequest ?? OPENAI_LIMITS.maxTokensPerRequest * 0.8, OPENAI_LIMITS.maxTokensPerRequest);

  async function request(batch: string[], requestOptions?: OpenAI.RequestOptions): Promise<Float32Array[]> {
    const res = await client.embeddings.create(
      {
        model: opts.model,
        input: batch,
        ...(sendsDimensions ? { dimensions } : {}),
      },
      requestOptions,
    );
    if (res.data.length !== batch.length) {
      throw new Error(`OpenAI returned ${res.data.length} embeddings for ${batch.length} inputs`);
    }
    const out = new Array<Float32Array>(batch.length);
    for (const item of res.data) {
      const values = item.embedding as unknown as ArrayLike<number>;
      if (values.length > VECTOR_DIMENSIONS || (sendsDimensions && values.length !== dimensions)) {
        throw new Error(`OpenAI returned a ${values.length}-dimension embedding, expected ${dimensions}`);
      }
      const v = new Float32Array(VECTOR_DIMENSIONS);
      v.set(values);
      out[item.index] = normalise(v);
    }
    if (out.some((v) => v === undefined)) throw new Error("OpenAI response is missing an embedding index");
    return out;
  }

  return {
    id: `openai:${opts.model}:${dimensions}`,
    async embedDocuments(texts) {
      const out: Float32Array[] = [];
      for (const batch of batches(texts.map(clampInput), maxInputs, maxTokens)) out.push(...(await request(batch)));
      return out;
    },
    async embedQuery(text, queryOpts) {
      const [v] = await request([clampInput(text)], { maxRetries: 0, timeout: opts.queryTimeoutMs ?? 800, signal: queryOpts?.signal ?? null });
      return v!;
    },
  };
}

/** Groups inputs, in order, so no request exceeds the input count or token budget. */
export function batches(texts: string[], maxInputs: number, maxTokens: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const text of texts) {
    const t = requestTokens(text);
    if (current.length && (current.length >= maxInputs || tokens + t > maxTokens)) {
      out.push(current);
      current = [];
      tokens = 0;
    }
    current.push(text);
    tokens += t;
  }
  if (current.length) out.push(current);
  return out;
}

/** The larger of our estimate and OpenAI's rule of thumb (4 characters a token): never under. */
function requestTokens(text: string): number {
  return Math.max(countTokens(text), Math.ceil(text.length / 4));
}

/** An input over the per-input limit is cut (chunks never are; a pasted novel as a query might be). */
function clampInput(text: string): string {
  let input = text.trim() || "?";
  while (requestTokens(input) > OPENAI_LIMITS.maxTokensPerInput * 0.8) input = input.slice(0, Math.floor(input.length * 0.8));
  return input;
}
