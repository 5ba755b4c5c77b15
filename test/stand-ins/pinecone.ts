// A local server standing in for a Pinecone serverless index's data plane (the REST API the
// `@pinecone-database/pinecone` SDK calls once given the index host): upsert, query (cosine,
// metadata filters), delete by ids / deleteAll / filter within a namespace, fetch, and
// describe_index_stats. It checks the Api-Key header, the index dimension, Pinecone's request
// limits and metadata rules, answers with Pinecone's shapes, and can be scripted to fail.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export const PINECONE_LIMITS = { vectorsPerUpsert: 1000, idsPerDelete: 1000, maxTopK: 10_000, requestBytes: 2 * 1024 * 1024 } as const;

type Metadata = Record<string, string | number | boolean | string[]>;
interface StoredVector {
  id: string;
  values: number[];
  metadata?: Metadata;
}

export interface PineconeRequestRecord {
  at: number;
  path: string;
  namespace: string | undefined;
  status: number;
  body: Record<string, unknown> | undefined;
}

export interface PineconeStandIn {
  /** The index host to hand to the SDK (PINECONE_INDEX_HOST). */
  url: string;
  apiKey: string;
  dimension: number;
  requests: PineconeRequestRecord[];
  /** namespace -> id -> vector, for assertions. */
  namespaces: Map<string, Map<string, StoredVector>>;
  failNext(count: number, status?: 429 | 500 | 503): void;
  down(status?: 500 | 503): void;
  up(): void;
  close(): Promise<void>;
}

class PineconeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** gRPC-style code Pinecone puts in data-plane error bodies. */
    readonly code: number,
  ) {
    super(message);
  }
}
const badRequest = (message: string) => new PineconeError(400, message, 3);

export async function startPineconeStandIn(opts: { apiKey?: string; dimension?: number } = {}): Promise<PineconeStandIn> {
  const apiKey = opts.apiKey ?? `pcsk_${randomBytes(12).toString("hex")}`;
  const dimension = opts.dimension ?? 1536;
  const namespaces = new Map<string, Map<string, StoredVector>>();
  const requests: PineconeRequestRecord[] = [];
  let failures = { remaining: 0, status: 503 };
  let outage: number | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { code: 13, message: String(err), details: [] }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    const record: PineconeRequestRecord = { at: Date.now(), path: url.pathname, namespace: undefined, status: 200, body: undefined };
    requests.push(record);
    try {
      if (req.headers["api-key"] !== apiKey) {
        record.status = 401;
        send(res, 401, { error: { code: "UNAUTHENTICATED", message: "Invalid API Key" }, status: 401 });
        return;
      }
      if (raw.length > PINECONE_LIMITS.requestBytes) {
        throw new PineconeError(400, `Request size ${raw.length} exceeds the maximum supported size of ${PINECONE_LIMITS.requestBytes}`, 3);
      }
      let body: Record<string, unknown> = {};
      if (req.method === "POST") {
        try {
          body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          throw badRequest("Invalid request body: expected JSON");
        }
      }
      record.body = body;
      record.namespace = typeof body.namespace === "string" ? body.namespace : (url.searchParams.get("namespace") ?? undefined);
      if (outage !== undefined) throw new PineconeError(outage, "Service Unavailable", 14);
      if (failures.remaining > 0) {
        failures.remaining--;
        throw new PineconeError(failures.status, failures.status === 429 ? "Too Many Requests" : "Service Unavailable", failures.status === 429 ? 8 : 14);
      }
      const route = `${req.method} ${url.pathname}`;
      let result: unknown;
      if (route === "POST /vectors/upsert") result = upsert(body);
      else if (route === "POST /query") result = query(body);
      else if (route === "POST /vectors/delete") result = remove(body);
      else if (route === "GET /vectors/fetch") result = fetchVectors(url);
      else if (route === "POST /describe_index_stats") result = stats();
      else throw new PineconeError(404, `Not Found: ${route}`, 5);
      send(res, 200, result);
    } catch (err) {
      const e = err instanceof PineconeError ? err : new PineconeError(500, String(err), 13);
      record.status = e.status;
      send(res, e.status, { code: e.code, message: e.message, details: [] });
    }
  }

  function ns(name: unknown): string {
    if (name !== undefined && typeof name !== "string") throw badRequest("namespace must be a string");
    return (name as string | undefined) ?? "";
  }

  function upsert(body: Record<string, unknown>) {
    const vectors = body.vectors;
    if (!Array.isArray(vectors) || vectors.length === 0) throw badRequest("Invalid request: vectors must contain at least one vector");
    if (vectors.length > PINECONE_LIMITS.vectorsPerUpsert) {
      throw badRequest(`Invalid request: upsert of ${vectors.length} vectors exceeds the limit of ${PINECONE_LIMITS.vectorsPerUpsert}`);
    }
    const checked = vectors.map((v: unknown, i: number): StoredVector => {
      const vec = v as { id?: unknown; values?: unknown; metadata?: unknown };
      if (typeof vec.id !== "string" || vec.id.length === 0 || vec.id.length > 512) throw badRequest(`Invalid request: vectors[${i}].id must be a string of 1-512 characters`);
      if (!Array.isArray(vec.values) || !vec.values.every((x) => typeof x === "number" && Number.isFinite(x))) {
        throw badRequest(`Invalid request: vectors[${i}].values must be an array of numbers`);
      }
      if (vec.values.length !== dimension) throw badRequest(`Vector dimension ${vec.values.length} does not match the dimension of the index ${dimension}`);
      if (vec.values.every((x) => x === 0)) throw badRequest(`Dense vectors must contain at least one non-zero value. Vector ID ${vec.id} contains only zeros.`);
      return { id: vec.id, values: vec.values as number[], ...(vec.metadata !== undefined ? { metadata: checkMetadata(vec.metadata, i) } : {}) };
    });
    const space = namespaces.get(ns(body.namespace)) ?? new Map<string, StoredVector>();
    namespaces.set(ns(body.namespace), space);
    for (const v of checked) space.set(v.id, v);
    return { upsertedCount: checked.length };
  }

  function query(body: Record<string, unknown>) {
    const topK = body.topK;
    if (!Number.isInteger(topK) || (topK as number) < 1 || (topK as number) > PINECONE_LIMITS.maxTopK) {
      throw badRequest(`Invalid request: topK must be an integer from 1 to ${PINECONE_LIMITS.maxTopK}`);
    }
    const space = namespaces.get(ns(body.namespace)) ?? new Map<string, StoredVector>();
    let vector = body.vector as number[] | undefined;
    if (body.id !== undefined) vector = space.get(String(body.id))?.values;
    if (!Array.isArray(vector)) throw badRequest("Invalid request: exactly one of vector or id is required");
    if (vector.length !== dimension) throw badRequest(`Query vector dimension ${vector.length} does not match the dimension of the index ${dimension}`);
    const filter = body.filter as Record<string, unknown> | undefined;
    const matches = [...space.values()]
      .filter((v) => !filter || matchesFilter(v.metadata ?? {}, filter))
      .map((v) => ({ v, score: cosine(vector!, v.values) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK as number)
      .map(({ v, score }) => ({
        id: v.id,
        score,
        values: body.includeValues ? v.values : [],
        ...(body.includeMetadata && v.metadata ? { metadata: v.metadata } : {}),
      }));
    return { results: [], matches, namespace: ns(body.namespace), usage: { readUnits: Math.max(1, Math.ceil(space.size / 1000)) } };
  }

  function remove(body: Record<string, unknown>) {
    const name = ns(body.namespace);
    const space = namespaces.get(name);
    if (body.deleteAll === true) {
      if (!space) throw new PineconeError(404, "Namespace not found", 5);
      namespaces.delete(name);
      return {};
    }
    if (Array.isArray(body.ids)) {
      if (body.ids.length > PINECONE_LIMITS.idsPerDelete) throw badRequest(`Invalid request: at most ${PINECONE_LIMITS.idsPerDelete} ids per delete`);
      for (const id of body.ids) space?.delete(String(id));
      return {};
    }
    if (body.filter && typeof body.filter === "object") {
      for (const [id, v] of space ?? []) if (matchesFilter(v.metadata ?? {}, body.filter as Record<string, unknown>)) space!.delete(id);
      return {};
    }
    throw badRequest("Invalid request: one of ids, deleteAll or filter is required");
  }

  function fetchVectors(url: URL) {
    const space = namespaces.get(url.searchParams.get("namespace") ?? "") ?? new Map<string, StoredVector>();
    const vectors: Record<string, StoredVector> = {};
    for (const id of url.searchParams.getAll("ids")) {
      const v = space.get(id);
      if (v) vectors[id] = v;
    }
    return { vectors, namespace: url.searchParams.get("namespace") ?? "", usage: { readUnits: 1 } };
  }

  function stats() {
    const out: Record<string, { vectorCount: number }> = {};
    let total = 0;
    for (const [name, space] of namespaces) {
      out[name] = { vectorCount: space.size };
      total += space.size;
    }
    return { namespaces: out, dimension, indexFullness: 0, totalVectorCount: total, metric: "cosine", vectorType: "dense" };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    dimension,
    requests,
    namespaces,
    failNext(count, status = 503) {
      failures = { remaining: count, status };
    },
    down(status = 503) {
      outage = status;
    },
    up() {
      outage = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function checkMetadata(value: unknown, i: number): Metadata {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw badRequest(`Invalid request: vectors[${i}].metadata must be an object`);
  for (const [key, v] of Object.entries(value)) {
    const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || (Array.isArray(v) && v.every((x) => typeof x === "string"));
    if (!ok) throw badRequest(`Metadata value for field '${key}' must be a string, number, boolean or list of strings, got ${v === null ? "null" : typeof v}`);
  }
  if (JSON.stringify(value).length > 40_960) throw badRequest(`Metadata size exceeds the limit of 40960 bytes per vector`);
  return value as Metadata;
}

/** Pinecone's filter language: implicit $eq, $eq $ne $gt $gte $lt $lte $in $nin $exists, $and $or. */
export function matchesFilter(meta: Metadata, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === "$and") return (cond as Record<string, unknown>[]).every((f) => matchesFilter(meta, f));
    if (key === "$or") return (cond as Record<string, unknown>[]).some((f) => matchesFilter(meta, f));
    if (key.startsWith("$")) throw badRequest(`Invalid filter operator ${key} at the top level`);
    const value = meta[key];
    const ops = cond !== null && typeof cond === "object" && !Array.isArray(cond) ? (cond as Record<string, unknown>) : { $eq: cond };
    return Object.entries(ops).every(([op, arg]) => {
      switch (op) {
        case "$eq":
          return Array.isArray(value) ? value.includes(arg as string) : value === arg;
        case "$ne":
          return Array.isArray(value) ? !value.includes(arg as string) : value !== arg;
        case "$gt":
          return typeof value === "number" && value > (arg as number);
        case "$gte":
          return typeof value === "number" && value >= (arg as number);
        case "$lt":
          return typeof value === "number" && value < (arg as number);
        case "$lte":
          return typeof value === "number" && value <= (arg as number);
        case "$in":
          return (arg as unknown[]).some((a) => (Array.isArray(value) ? value.includes(a as string) : value === a));
        case "$nin":
          return !(arg as unknown[]).some((a) => (Array.isArray(value) ? value.includes(a as string) : value === a));
        case "$exists":
          return (value !== undefined) === arg;
        default:
          throw badRequest(`Invalid filter operator ${op}`);
      }
    });
  });
}

function cosine(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
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
