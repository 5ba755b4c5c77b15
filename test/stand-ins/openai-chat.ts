// A local server standing in for OpenAI's Chat Completions API (`POST /v1/chat/completions`),
// for the real `openai` SDK pointed at it by baseURL. It validates requests as OpenAI does
// (auth, model, messages, response_format incl. strict json_schema rules), answers with OpenAI's
// response and error shapes, and is scriptable: a given answer, N failures (429/500/503),
// invalid JSON, a refusal. Unscripted json_schema requests get a minimal schema-valid answer.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export type ChatScript =
  /** Answer with this value as the message content (JSON-encoded). */
  | { kind: "json"; content: unknown }
  /** Answer with this exact content (use it for invalid JSON). */
  | { kind: "text"; content: string }
  /** Fail as OpenAI does when overloaded or rate-limited. */
  | { kind: "error"; status: 429 | 500 | 503; message?: string }
  /** The model refuses (structured outputs put this in `message.refusal`). */
  | { kind: "refusal"; refusal: string };

export interface ChatMessage {
  role: string;
  content: unknown;
}

export interface ChatRequestRecord {
  at: number;
  body: {
    model: string;
    messages: ChatMessage[];
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: JsonSchema } };
    [key: string]: unknown;
  };
  /** The HTTP status the stand-in answered with. */
  status: number;
}

export interface OpenAIChatStandIn {
  /** The SDK's baseURL (ends in /v1). */
  url: string;
  apiKey: string;
  requests: ChatRequestRecord[];
  /** Queues answers, used in order by the next valid requests. */
  enqueue(...scripts: ChatScript[]): void;
  /** The next `count` valid requests fail with this status. */
  failNext(count: number, status?: 429 | 500 | 503): void;
  /** The answer for requests when nothing is queued. */
  setDefault(respond: ((request: ChatRequestRecord["body"]) => ChatScript) | undefined): void;
  close(): Promise<void>;
}

type JsonSchema = { [key: string]: unknown };

const ROLES = ["system", "assistant", "user", "function", "tool", "developer"];

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = "invalid_request_error",
  ) {
    super(message);
  }
}

export async function startOpenAIChatStandIn(opts: { apiKey?: string; models?: string[] } = {}): Promise<OpenAIChatStandIn> {
  const apiKey = opts.apiKey ?? `sk-standin-${randomBytes(12).toString("hex")}`;
  const requests: ChatRequestRecord[] = [];
  const queue: ChatScript[] = [];
  let respondByDefault: ((request: ChatRequestRecord["body"]) => ChatScript) | undefined;

  const server = createServer(async (req, res) => {
    const at = Date.now();
    let record: ChatRequestRecord | undefined;
    try {
      const path = new URL(req.url ?? "/", "http://stand-in").pathname;
      checkAuth(req, apiKey);
      if (path !== "/v1/chat/completions") {
        throw new RequestError(404, `Invalid URL (${req.method} ${path})`, null, null);
      }
      if (req.method !== "POST") throw new RequestError(405, `Invalid method for URL (${req.method} ${path})`);
      const body = validate(await readJson(req), opts.models);
      record = { at, body, status: 0 };
      const script = queue.shift() ?? respondByDefault?.(body) ?? minimalAnswer(body);
      const status = answer(res, body, script);
      record.status = status;
    } catch (err) {
      const e = err instanceof RequestError ? err : new RequestError(500, "The server had an error while processing your request. Sorry about that!", null, null, "server_error");
      sendError(res, e);
      if (record) record.status = e.status;
    } finally {
      if (record) requests.push(record);
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    enqueue: (...scripts) => void queue.push(...scripts),
    failNext(count, status = 500) {
      for (let i = 0; i < count; i++) queue.unshift({ kind: "error", status });
    },
    setDefault(respond) {
      respondByDefault = respond;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function checkAuth(req: IncomingMessage, apiKey: string) {
  const header = req.headers.authorization;
  if (!header?.startsWith("Bearer ") || header.length <= "Bearer ".length) {
    throw new RequestError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  const given = header.slice("Bearer ".length);
  if (given !== apiKey) {
    throw new RequestError(401, `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-4)}.`, null, "invalid_api_key");
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new RequestError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
    );
  }
}

function validate(raw: unknown, models: string[] | undefined): ChatRequestRecord["body"] {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new RequestError(400, "The request body must be a JSON object.");
  const body = raw as Record<string, unknown>;
  if (typeof body.model !== "string" || body.model === "") {
    throw new RequestError(400, "you must provide a model parameter", "model");
  }
  if (models && !models.includes(body.model)) {
    throw new RequestError(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, null, "model_not_found");
  }
  if (body.stream === true) throw new RequestError(400, "This stand-in does not stream; send stream: false.", "stream");
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new RequestError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages", "empty_array");
  }
  body.messages.forEach((m: unknown, i) => {
    const msg = m as Record<string, unknown> | null;
    if (!msg || typeof msg !== "object") throw new RequestError(400, `Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`);
    if (typeof msg.role !== "string" || !ROLES.includes(msg.role)) {
      throw new RequestError(
        400,
        `Invalid value: '${String(msg.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${i}].role`,
        "invalid_value",
      );
    }
    const content = msg.content;
    const okParts = Array.isArray(content) && content.every((p) => p && typeof p === "object" && typeof (p as { type?: unknown }).type === "string");
    if (typeof content !== "string" && !okParts && !(msg.role === "assistant" && content == null)) {
      throw new RequestError(400, `Invalid type for 'messages[${i}].content': expected one of a string or array of objects.`, `messages[${i}].content`, "invalid_type");
    }
  });
  if (body.temperature !== undefined && (typeof body.temperature !== "number" || body.temperature < 0 || body.temperature > 2)) {
    throw new RequestError(400, `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${String(body.temperature)} instead.`, "temperature", "decimal_above_max_value");
  }
  if (body.response_format !== undefined) validateResponseFormat(body.response_format, body.messages as ChatMessage[]);
  return body as ChatRequestRecord["body"];
}

function validateResponseFormat(format: unknown, messages: ChatMessage[]) {
  const f = format as { type?: unknown; json_schema?: { name?: unknown; strict?: unknown; schema?: unknown } } | null;
  const type = f?.type;
  if (type === "text") return;
  if (type === "json_object") {
    const mentionsJson = messages.some((m) => JSON.stringify(m.content ?? "").toLowerCase().includes("json"));
    if (!mentionsJson) {
      throw new RequestError(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages");
    }
    return;
  }
  if (type !== "json_schema") {
    throw new RequestError(400, `Invalid value: '${String(type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`, "response_format.type", "invalid_value");
  }
  const spec = f!.json_schema;
  if (!spec || typeof spec !== "object") throw new RequestError(400, "Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema", "missing_required_parameter");
  if (typeof spec.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) {
    throw new RequestError(400, "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", "response_format.json_schema.name", "invalid_value");
  }
  if (!spec.schema || typeof spec.schema !== "object") {
    throw new RequestError(400, "Missing required parameter: 'response_format.json_schema.schema'.", "response_format.json_schema.schema", "missing_required_parameter");
  }
  if (spec.strict === true) checkStrictSchema(spec.name, spec.schema as JsonSchema, []);
}

/** The strict-mode rules OpenAI enforces: every object closed and every property required. */
function checkStrictSchema(name: string, schema: JsonSchema, context: string[]) {
  const fail = (why: string) => {
    const where = context.length ? `(${context.map((c) => `'${c}'`).join(", ")})` : "()";
    throw new RequestError(400, `Invalid schema for response_format '${name}': In context=${where}, ${why}`, "response_format", "invalid_json_schema");
  };
  if (context.length === 0 && schema.type !== "object") fail("schema must be a JSON Schema of 'type: \"object\"', got 'type: \"" + String(schema.type) + "\"'.");
  if (schema.type === "object" || schema.properties) {
    if (schema.additionalProperties !== false) fail("'additionalProperties' is required to be supplied and to be false.");
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const missing = Object.keys(props).find((k) => !required.includes(k));
    if (missing) fail(`'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`);
    for (const [key, sub] of Object.entries(props)) checkStrictSchema(name, sub, [...context, "properties", key]);
  }
  if (schema.items && typeof schema.items === "object") checkStrictSchema(name, schema.items as JsonSchema, [...context, "items"]);
  for (const combinator of ["anyOf"] as const) {
    const subs = schema[combinator];
    if (Array.isArray(subs)) subs.forEach((s, i) => checkStrictSchema(name, s as JsonSchema, [...context, combinator, String(i)]));
  }
}

/** A schema-valid answer with nothing in it, for unscripted json_schema requests. */
function minimalAnswer(body: ChatRequestRecord["body"]): ChatScript {
  const schema = body.response_format?.json_schema?.schema;
  if (!schema) return { kind: "text", content: "This is the OpenAI chat stand-in." };
  return { kind: "json", content: minimalValue(schema) };
}

function minimalValue(schema: JsonSchema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([k, s]) => [k, minimalValue(s)]));
    case "array":
      return [];
    case "string":
      return "stand-in";
    case "number":
    case "integer":
      return typeof schema.minimum === "number" ? Math.max(0, schema.minimum) : 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function answer(res: ServerResponse, body: ChatRequestRecord["body"], script: ChatScript): number {
  const requestId = `req_${randomBytes(12).toString("hex")}`;
  if (script.kind === "error") {
    const message =
      script.message ??
      (script.status === 429
        ? `Rate limit reached for ${body.model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`
        : "The server had an error while processing your request. Sorry about that!");
    sendError(
      res,
      new RequestError(script.status, message, null, script.status === 429 ? "rate_limit_exceeded" : null, script.status === 429 ? "requests" : "server_error"),
      { "x-request-id": requestId, ...(script.status === 429 ? { "retry-after": "1" } : {}) },
    );
    return script.status;
  }
  const content = script.kind === "json" ? JSON.stringify(script.content) : script.kind === "text" ? script.content : null;
  const promptTokens = estimateTokens(JSON.stringify(body.messages));
  const completionTokens = estimateTokens(content ?? (script.kind === "refusal" ? script.refusal : ""));
  const payload = {
    id: `chatcmpl-${randomBytes(12).toString("hex")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content,
          refusal: script.kind === "refusal" ? script.refusal : null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: "fp_standin",
  };
  res.writeHead(200, { "content-type": "application/json", "x-request-id": requestId, "openai-processing-ms": "1" });
  res.end(JSON.stringify(payload));
  return 200;
}

function sendError(res: ServerResponse, e: RequestError, headers: Record<string, string> = {}) {
  res.writeHead(e.status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message: e.message, type: e.type, param: e.param, code: e.code } }));
}
