// A local server standing in for OpenAI's embeddings endpoint (`POST /v1/embeddings`), for the
// real `openai` SDK pointed at it by baseURL. It checks requests as OpenAI does (bearer auth,
// model, input shape, 2,048 inputs and 300,000 tokens per request, 8,192 tokens per input,
// `dimensions` only for text-embedding-3 models), answers with OpenAI's response and error
// shapes, in float or base64 encoding, and can be scripted to fail: the next N requests with
// 429/500/503, an outage until it is lifted, or a hang (requests held unanswered). Its vectors are a deterministic bag of words
// (texts sharing words are near), unit length like OpenAI's, so search over them is testable.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";

export const EMBEDDING_LIMITS = { inputsPerRequest: 2048, tokensPerRequest: 300_000, tokensPerInput: 8192 } as const;
const MODELS: Record<string, { dimensions: number; shortenable: boolean }> = {
  "text-embedding-3-small": { dimensions: 1536, shortenable: true },
  "text-embedding-3-large": { dimensions: 3072, shortenable: true },
  "text-embedding-ada-002": { dimensions: 1536, shortenable: false },
};

export interface EmbeddingRequestRecord {
  at: number;
  model: unknown;
  inputs: number;
  tokens: number;
  dimensions: unknown;
  encodingFormat: unknown;
  /** The HTTP status the stand-in answered with. */
  status: number;
  error?: string;
}

export interface OpenAIEmbeddingsStandIn {
  /** The SDK's baseURL (ends in /v1). */
  url: string;
  apiKey: string;
  requests: EmbeddingRequestRecord[];
  /** The next `count` well-formed requests fail with this status. */
  failNext(count: number, status?: 429 | 500 | 503): void;
  /** Every request fails with this status until up() (a provider outage). */
  down(status?: 429 | 500 | 503): void;
  /** Every request is held, unanswered, until up() or close() (a provider that hangs). */
  hang(): void;
  up(): void;
  close(): Promise<void>;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** OpenAI's rule of thumb for English: a token is about four characters. */
export function standInTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function startOpenAIEmbeddingsStandIn(opts: { apiKey?: string; retryAfterMs?: number } = {}): Promise<OpenAIEmbeddingsStandIn> {
  const apiKey = opts.apiKey ?? `sk-test-${randomBytes(8).toString("hex")}`;
  const retryAfterMs = opts.retryAfterMs ?? 5;
  const requests: EmbeddingRequestRecord[] = [];
  let failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  let outage: number | undefined;
  let hanging = false;
  const held = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, errorBody(new RequestError(500, String(err), "server_error"))));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    if (hanging) {
      held.add(res);
      res.on("close", () => held.delete(res));
      requests.push({ at: Date.now(), model: undefined, inputs: 0, tokens: 0, dimensions: undefined, encodingFormat: undefined, status: 0, error: "held" });
      return;
    }
    const record: EmbeddingRequestRecord = { at: Date.now(), model: undefined, inputs: 0, tokens: 0, dimensions: undefined, encodingFormat: undefined, status: 200 };
    try {
      if (req.method !== "POST" || req.url?.split("?")[0] !== "/v1/embeddings") {
        throw new RequestError(404, `Invalid URL (${req.method} ${req.url})`);
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        throw new RequestError(401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");
      }
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        throw new RequestError(400, "We could not parse the JSON body of your request.");
      }
      record.model = json.model;
      record.dimensions = json.dimensions;
      record.encodingFormat = json.encoding_format;
      if (outage !== undefined) throw new RequestError(outage, outageMessage(outage), outage === 429 ? "requests" : "server_error");
      if (failures.remaining > 0) {
        failures.remaining--;
        throw new RequestError(failures.status, outageMessage(failures.status), failures.status === 429 ? "requests" : "server_error");
      }
      const result = embed(json, record);
      record.status = 200;
      requests.push(record);
      send(res, 200, result);
    } catch (err) {
      const e = err instanceof RequestError ? err : new RequestError(500, String(err), "server_error");
      record.status = e.status;
      record.error = e.message;
      requests.push(record);
      const headers: Record<string, string> = {};
      if (e.status === 429 || e.status >= 500) headers["retry-after-ms"] = String(retryAfterMs);
      send(res, e.status, errorBody(e), headers);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    failNext(count, status = 503) {
      failures = { remaining: count, status };
    },
    down(status = 503) {
      outage = status;
    },
    hang() {
      hanging = true;
    },
    up() {
      outage = undefined;
      hanging = false;
      for (const res of held) res.destroy();
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function embed(json: Record<string, unknown>, record: EmbeddingRequestRecord) {
  const model = json.model;
  if (typeof model !== "string") throw new RequestError(400, "you must provide a model parameter", "invalid_request_error", "model");
  const spec = MODELS[model];
  if (!spec) throw new RequestError(404, `The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", null, "model_not_found");
  const input = json.input;
  const inputs = typeof input === "string" ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === "string")) {
    throw new RequestError(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "invalid_request_error", "input");
  }
  record.inputs = inputs.length;
  if (inputs.length > EMBEDDING_LIMITS.inputsPerRequest) {
    throw new RequestError(400, `'$.input' is invalid: at most ${EMBEDDING_LIMITS.inputsPerRequest} inputs per request, got ${inputs.length}.`, "invalid_request_error", "input");
  }
  let total = 0;
  for (const [i, text] of inputs.entries()) {
    if (text === "") throw new RequestError(400, `'$.input[${i}]' is invalid: empty string.`, "invalid_request_error", "input");
    const tokens = standInTokens(text);
    if (tokens > EMBEDDING_LIMITS.tokensPerInput) {
      throw new RequestError(400, `This model's maximum context length is ${EMBEDDING_LIMITS.tokensPerInput} tokens, however you requested ${tokens} tokens (${tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`);
    }
    total += tokens;
  }
  record.tokens = total;
  if (total > EMBEDDING_LIMITS.tokensPerRequest) {
    throw new RequestError(400, `Requested ${total} tokens, max ${EMBEDDING_LIMITS.tokensPerRequest} tokens per request`, "max_tokens_per_request", null, "max_tokens_per_request");
  }
  let dimensions = spec.dimensions;
  if (json.dimensions !== undefined) {
    if (!spec.shortenable) throw new RequestError(400, "This model does not support specifying dimensions.", "invalid_request_error", "dimensions");
    if (!Number.isInteger(json.dimensions) || (json.dimensions as number) < 1 || (json.dimensions as number) > spec.dimensions) {
      throw new RequestError(400, `Invalid value for 'dimensions' = ${String(json.dimensions)}. Must be an integer from 1 to ${spec.dimensions}.`, "invalid_request_error", "dimensions");
    }
    dimensions = json.dimensions as number;
  }
  const format = json.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    throw new RequestError(400, `Invalid value for 'encoding_format': '${String(format)}'. Supported values are: 'float' and 'base64'.`, "invalid_request_error", "encoding_format");
  }
  return {
    object: "list",
    data: inputs.map((text, index) => {
      const v = bagOfWords(text, dimensions);
      return {
        object: "embedding",
        index,
        embedding: format === "base64" ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") : Array.from(v),
      };
    }),
    model,
    usage: { prompt_tokens: total, total_tokens: total },
  };
}

/** Deterministic, unit-length: each lower-cased word adds to one hashed dimension. */
export function bagOfWords(text: string, dimensions: number): Float32Array {
  const v = new Float32Array(dimensions);
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const h = createHash("md5").update(m[0]).digest();
    const i = h.readUInt32LE(0) % dimensions;
    v[i] = v[i]! + (h[4]! & 1 ? 1 : -1);
  }
  let norm = Math.hypot(...v);
  if (norm === 0) {
    v[0] = 1;
    norm = 1;
  }
  for (let i = 0; i < dimensions; i++) v[i] = v[i]! / norm;
  return v;
}

function outageMessage(status: number): string {
  if (status === 429) return "Rate limit reached for text-embedding-3-small on requests per min (RPM): Limit 3000, Used 3000, Requested 1. Please try again in 20ms.";
  if (status === 503) return "The server is overloaded or not ready yet.";
  return "The server had an error while processing your request. Sorry about that!";
}

function errorBody(e: RequestError) {
  return { error: { message: e.message, type: e.type, param: e.param, code: e.code } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-request-id": `req_${randomBytes(12).toString("hex")}`, ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}
