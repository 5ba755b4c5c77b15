// Handlers are declared per operationId; their inputs and outputs are typed from the
// generated openapi types, and mounting fails at start if the spec and the handlers differ.
// A tenant handler is given its Tenant and TenantServices; a user-level handler UserServices:
// neither holds a database client (services.ts).
import type { Request, RequestHandler, Response } from "express";
import type { operations } from "../generated/openapi.ts";
import type { LoadedSpec } from "../spec/spec.ts";
import type { Principal, Tenant } from "./context.ts";
import type { ApiServices, TenantServices, UserServices } from "../services.ts";

export type OperationId = keyof operations;
type Op<K extends OperationId> = operations[K];
type OrEmpty<T> = [T] extends [never] ? Record<string, never> : [T] extends [undefined] ? Record<string, never> : T;

export type PathParams<K extends OperationId> = OrEmpty<NonNullable<Op<K>["parameters"]["path"]>>;
export type QueryParams<K extends OperationId> = OrEmpty<NonNullable<Op<K>["parameters"]["query"]>>;
type JsonContent<T> = [T] extends [never] ? undefined : T extends { content: { "application/json": infer B } } ? B : undefined;
export type RequestBody<K extends OperationId> = undefined extends Op<K>["requestBody"]
  ? JsonContent<NonNullable<Op<K>["requestBody"]>> | undefined
  : JsonContent<Op<K>["requestBody"]>;
type Responses<K extends OperationId> = Op<K>["responses"];
// Every declared status except the error ones (answered by throwing): 2xx, and 503 for readiness.
type SuccessCode<K extends OperationId> = Exclude<keyof Responses<K>, "default" | 400 | 401 | 402 | 403 | 404 | 409 | 413 | 429>;
export type Reply<K extends OperationId> = {
  [S in SuccessCode<K>]: { status: S; body: JsonContent<Responses<K>[S]> | JsonBytes<JsonContent<Responses<K>[S]>>; headers?: Record<string, string> };
}[SuccessCode<K>];

/**
 * A reply body already serialized (`JSON.stringify` of a `T`, as UTF-8): written as it is.
 * Anything else that serializes it (stored idempotent replies, res.json) gets the same JSON.
 */
export class JsonBytes<T = unknown> {
  declare readonly body?: T;
  constructor(readonly bytes: Buffer) {}
  toJSON(): unknown {
    return JSON.parse(this.bytes.toString("utf8"));
  }
}
/** A response body of an operation's success status. */
export type ResponseBody<K extends OperationId, S extends SuccessCode<K>> = JsonContent<Responses<K>[S]>;

interface RequestContext<K extends OperationId> {
  req: Request;
  res: Response;
  params: PathParams<K>;
  query: QueryParams<K>;
  body: RequestBody<K>;
  principal: Principal;
}
export interface HandlerContext<K extends OperationId> extends RequestContext<K> {
  services: UserServices;
}
export interface TenantContext<K extends OperationId> extends RequestContext<K> {
  tenant: Tenant;
  services: TenantServices;
}

type StoredReply = { status: number; body: unknown; headers?: Record<string, string> };
/** Runs a tenant POST once per Idempotency-Key (limits/idempotency.ts, given by the app). */
export type IdempotentRunner = (
  tenant: Tenant,
  request: { key: string; method: string; path: string; body: unknown },
  run: () => Promise<StoredReply>,
) => Promise<StoredReply & { replayed: boolean }>;

type Kind = "user" | "tenant" | "stream";
export interface OperationDef {
  operationId: OperationId;
  kind: Kind;
  handler: (ctx: any) => Promise<unknown>;
}

/** An operation that acts on one business (the tenant is resolved before the handler runs). */
export function tenantOperation<K extends OperationId>(operationId: K, handler: (ctx: TenantContext<K>) => Promise<Reply<K>>): OperationDef {
  return { operationId, kind: "tenant", handler };
}

/** An operation on the caller themself (auth, their list of businesses): no tenant. */
export function userOperation<K extends OperationId>(operationId: K, handler: (ctx: HandlerContext<K>) => Promise<Reply<K>>): OperationDef {
  return { operationId, kind: "user", handler };
}

/** A tenant operation that writes its own response (server-sent events). */
export function streamOperation<K extends OperationId>(operationId: K, handler: (ctx: TenantContext<K>) => Promise<void>): OperationDef {
  return { operationId, kind: "stream", handler };
}

/**
 * The reply, serialized once and written in one go: Express's res.json would stringify, turn
 * the text into a Buffer, look up the charset, and check freshness for a 304 that
 * `Cache-Control: no-store` replies never get. Same bytes and headers. With response
 * validation on (tests), res.json is used, as the validator watches it.
 */
function sender(viaResJson: boolean) {
  return (res: Response, reply: { status: number; body: unknown; headers?: Record<string, string> }) => {
    if (reply.headers) for (const k in reply.headers) res.setHeader(k, reply.headers[k]!);
    res.statusCode = reply.status;
    if (reply.status === 204 || reply.body === undefined) res.end();
    else if (viaResJson) res.json(reply.body instanceof JsonBytes ? reply.body.toJSON() : reply.body);
    else if (reply.body instanceof JsonBytes) {
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.end(reply.body.bytes);
    }
    else {
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.end(JSON.stringify(reply.body));
    }
  };
}

/** The handler of every operation: answers the operation the request matched (app.ts). */
export function operationDispatcher(
  spec: LoadedSpec,
  defs: OperationDef[],
  services: ApiServices,
  runIdempotent: IdempotentRunner,
  opts: { viaResJson?: boolean } = {},
): RequestHandler {
  const send = sender(opts.viaResJson ?? false);
  const byId = new Map(defs.map((d) => [d.operationId as string, d]));
  const missing = spec.operations.filter((o) => !byId.has(o.operationId)).map((o) => o.operationId);
  const extra = defs.filter((d) => !spec.byId.has(d.operationId)).map((d) => d.operationId);
  if (missing.length || extra.length) {
    throw new Error(`openapi.yaml and the handlers disagree: no handler for [${missing.join(", ")}]; not in the spec: [${extra.join(", ")}]`);
  }
  for (const op of spec.operations) {
    const def = byId.get(op.operationId)!;
    if ((def.kind === "user") !== (op.business === "none")) {
      throw new Error(`${op.operationId}: x-business ${op.business} does not fit a ${def.kind} operation`);
    }
  }
  // One dispatcher by the operation the request already matched (app.ts, from the spec), not
  // one Express route per operation: Express would test the path against every route in turn.
  // Path parameters are the matcher's, decoded (the validator has refused undecodable ones).
  return async (req: Request, res: Response) => {
    const fd = req.fd!;
    const def = byId.get(fd.op.operationId)!;
    const ctx = {
      req,
      res,
      params: fd.params,
      query: req.query,
      body: req.body,
      principal: fd.principal,
      tenant: fd.tenant,
      services: def.kind === "user" ? services.user : services.tenant,
    };
    if (def.kind === "stream") {
      await def.handler(ctx);
      return;
    }
    const run = () => def.handler(ctx) as Promise<StoredReply>;
    const key = req.headers["idempotency-key"];
    if (req.method === "POST" && fd.tenant && typeof key === "string") {
      const reply = await runIdempotent(fd.tenant, { key, method: req.method, path: req.path, body: req.body }, run);
      if (reply.replayed) res.setHeader("Idempotent-Replayed", "true");
      send(res, reply);
      return;
    }
    send(res, await run());
  };
}
