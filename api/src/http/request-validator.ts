// Request validation against openapi.yaml, compiled once per process: per operation, one Ajv
// function for its parameters (path, query, headers; their text read as the declared types)
// and one for its JSON body. The same Ajv as express-openapi-validator used here (2020
// dialect, formats "full" plus OpenAPI's int32/int64/float/double/byte, defaults filled in,
// strict numbers) and the same error shape: `errors` lists every problem, with paths like
// `body.email`, `query.limit`, `params.callId`, `headers.idempotency-key`.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { RequestHandler } from "express";
import { deref, type LoadedSpec, type SpecOperation } from "../spec/spec.ts";
import { invalid } from "./api-error.ts";

type Schema = Record<string, any>;
type Problem = { path: string; message: string };
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020, opts: { mode: "full" }) => void;

interface Param {
  name: string;
  /** Where it is read from: the matched path, the query, or the header of that (lower-case) name. */
  in: "params" | "query" | "headers";
  key: string;
  /** Text is read as this type before validation. */
  read: "integer" | "number" | "boolean" | "text";
}

interface CompiledOperation {
  params: Param[];
  query: ReadonlySet<string>;
  validateParams: ValidateFunction;
  body: { required: boolean; validate: ValidateFunction } | null;
}

const MAX_INT32 = 2 ** 31 - 1;
const MAX_INT64 = 2 ** 63 - 1;
const MAX_FLOAT = (2 - 2 ** -23) * 2 ** 127;
const MIN_POS_FLOAT = 2 ** -126;

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, strictNumbers: true, strictTuples: true, allowUnionTypes: false, validateSchema: false, allErrors: true, useDefaults: true, coerceTypes: false });
  addFormats(ajv, { mode: "full" });
  ajv.addFormat("media-range", true);
  ajv.addFormat("int32", { type: "number", validate: (i: number) => Number.isInteger(i) && i <= MAX_INT32 && i >= -MAX_INT32 - 1 });
  ajv.addFormat("int64", { type: "number", validate: (i: number) => Number.isInteger(i) && i <= MAX_INT64 && i >= -MAX_INT64 - 1 });
  ajv.addFormat("float", { type: "number", validate: (i: number) => i === 0 || (Math.abs(i) <= MAX_FLOAT && Math.abs(i) >= MIN_POS_FLOAT) });
  ajv.addFormat("double", { type: "number", validate: () => true });
  ajv.addFormat("byte", (b: string) => b.length % 4 === 0 && /^[A-Za-z0-9+/]*(=|==)?$/.test(b));
  ajv.addFormat("binary", true);
  ajv.addFormat("password", true);
  return ajv;
}

/** Points the spec's local `$ref`s at the document registered with Ajv. */
function linked(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(linked);
  if (!schema || typeof schema !== "object") return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `openapi.json${v}` : linked(v);
  return out;
}

function readAs(document: Schema, schema: Schema | undefined): Param["read"] {
  const s = deref<Schema>(document, schema) ?? {};
  const types = ([] as unknown[]).concat(s.type ?? []);
  if (types.includes("integer")) return "integer";
  if (types.includes("number")) return "number";
  if (types.includes("boolean")) return "boolean";
  return "text";
}

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Text as the parameter's type when it reads as one; otherwise left as text for Ajv to refuse. */
function read(value: unknown, as: Param["read"]): unknown {
  if (typeof value !== "string" || as === "text") return value;
  if (as === "boolean") return value === "true" ? true : value === "false" ? false : value;
  if (!DECIMAL.test(value)) return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

function compileOperation(ajv: Ajv2020, document: Schema, op: SpecOperation): CompiledOperation {
  const item = document.paths[op.path] as Schema;
  const declared = [...(item.parameters ?? []), ...((op.raw.parameters as unknown[]) ?? [])].map((p) => deref<Schema>(document, p));
  const params: Param[] = [];
  const groups: Record<Param["in"], { properties: Schema; required: string[] }> = {
    params: { properties: {}, required: [] },
    query: { properties: {}, required: [] },
    headers: { properties: {}, required: [] },
  };
  for (const p of declared) {
    const where = p.in === "path" ? "params" : p.in === "query" ? "query" : p.in === "header" ? "headers" : null;
    if (!where) continue;
    const key = where === "headers" ? String(p.name).toLowerCase() : String(p.name);
    params.push({ name: p.name, in: where, key, read: readAs(document, p.schema) });
    groups[where].properties[key] = linked(p.schema ?? {});
    if (p.required) groups[where].required.push(key);
  }
  const object = (g: { properties: Schema; required: string[] }) => ({ type: "object", properties: g.properties, required: g.required });
  const validateParams = ajv.compile({ type: "object", properties: { params: object(groups.params), query: object(groups.query), headers: object(groups.headers) } });
  const requestBody = deref<Schema>(document, op.raw.requestBody);
  const jsonSchema = requestBody?.content?.["application/json"]?.schema;
  return {
    params,
    query: new Set(params.filter((p) => p.in === "query").map((p) => p.key)),
    validateParams,
    body: requestBody ? { required: requestBody.required === true, validate: ajv.compile(linked(jsonSchema ?? {})) } : null,
  };
}

/**
 * Each operation's validators, compiled once: on its first request, or in the background
 * right after start (one operation per turn of the event loop, so compiling ~80 operations,
 * ~0.2 s, never delays the start or a request by more than one of them).
 */
export function compileRequestValidators(spec: LoadedSpec, opts: { background?: boolean } = {}): (operationId: string) => CompiledOperation {
  const ajv = createAjv();
  ajv.addSchema({ $id: "openapi.json", components: linked({ components: spec.document.components ?? {} }).components }, "openapi.json");
  const compiled = new Map<string, CompiledOperation>();
  const get = (operationId: string) => {
    let c = compiled.get(operationId);
    if (!c) compiled.set(operationId, (c = compileOperation(ajv, spec.document, spec.byId.get(operationId)!)));
    return c;
  };
  if (opts.background) {
    const pending = spec.operations.map((op) => op.operationId);
    const next = () => {
      const id = pending.shift();
      if (id === undefined) return;
      get(id);
      setImmediate(next);
    };
    setImmediate(next);
  }
  return get;
}

function problemsOf(errors: ErrorObject[] | null | undefined, prefix = ""): Problem[] {
  return (errors ?? []).map((e) => {
    const p = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
    const extra = p.missingProperty ?? p.additionalProperty;
    const path = `${prefix}${e.instancePath}${extra !== undefined ? `/${extra}` : ""}`;
    const message = e.keyword === "enum" && p.allowedValues ? `${e.message}: ${p.allowedValues.join(", ")}` : (e.message ?? "is invalid");
    return { path: path.replace(/^\//, "").replaceAll("/", "."), message };
  });
}

const hasContent = (h: Record<string, string | string[] | undefined>) =>
  h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0");

function unsupportedMediaType(message: string) {
  // The shape body parsers and the framework give a 415 (problem.ts answers it).
  return Object.assign(new Error(message), { status: 415, errors: [{ path: "body", message }] });
}

/** Validates the request of the operation it matched; parameters are left read as their types. */
export function requestValidator(spec: LoadedSpec): RequestHandler {
  const validators = compileRequestValidators(spec, { background: true });
  return (req, _res, next) => {
    const fd = req.fd;
    if (!fd) return next();
    const c = validators(fd.op.operationId);
    const query = req.query as Record<string, unknown>;
    const data = { params: {} as Record<string, unknown>, query: {} as Record<string, unknown>, headers: {} as Record<string, unknown> };
    const problems: Problem[] = [];
    for (const name of Object.keys(query)) {
      if (!c.query.has(name)) problems.push({ path: `query.${name}`, message: `Unknown query parameter '${name}'` });
    }
    for (const p of c.params) {
      const raw = p.in === "params" ? fd.params[p.key] : p.in === "query" ? query[p.key] : req.headers[p.key];
      if (raw !== undefined) data[p.in][p.key] = read(raw, p.read);
    }
    if (!c.validateParams(data)) problems.push(...problemsOf(c.validateParams.errors));
    if (c.body) {
      if (req.body === undefined) {
        const type = req.headers["content-type"];
        if (hasContent(req.headers) || c.body.required) {
          if (type === undefined && !hasContent(req.headers)) problems.push({ path: "body", message: "is required" });
          else return next(unsupportedMediaType(`unsupported media type ${type ?? "undefined"}`));
        }
      } else if (!c.body.validate(req.body)) problems.push(...problemsOf(c.body.validate.errors, "/body"));
    }
    if (problems.length) return next(invalid("The request does not match the API description.", problems));
    // Handlers read parameters as their declared types, defaults filled in.
    Object.defineProperty(req, "query", { value: { ...query, ...data.query }, writable: true, configurable: true, enumerable: true });
    next();
  };
}
