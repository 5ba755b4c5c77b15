// The OpenAPI document, loaded once. Routes, their security, roles and tenant resolution are
// read from it, so the server cannot drift from the contract.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { Role } from "@prisma/client";

export const SPEC_PATH = fileURLToPath(new URL("../../../openapi.yaml", import.meta.url));

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
export type SecurityScheme = "session" | "secretKey" | "publishableKey";
/** Where an operation finds its business: none (user-level), the Frontdesk-Business header
 *  (or the key's own business), the `businessId` path parameter, or the publishable key. */
export type BusinessSource = "none" | "header" | "path" | "key";
export type RateLimitKind = "api" | "auth" | "widget" | "stream" | "none";

export interface SpecOperation {
  operationId: string;
  method: HttpMethod;
  /** The path as the spec writes it: /v1/calls/{callId}. */
  path: string;
  /** The same path for Express: /v1/calls/:callId. */
  expressPath: string;
  regex: RegExp;
  paramNames: string[];
  /** One entry per alternative: scheme -> scopes the scheme needs. Empty: public. A session is
   *  an alternative wherever a secret key is (see `withImpliedSession`). */
  security: Partial<Record<SecurityScheme, string[]>>[];
  /** Session roles allowed; null means any member. */
  roles: Role[] | null;
  business: BusinessSource;
  rateLimit: RateLimitKind;
  hasRequestBody: boolean;
  /** Query parameters whose schema is a number or an integer. */
  numericQuery: string[];
  /** The raw operation object (for tests and generators). */
  raw: Record<string, unknown>;
}

export interface LoadedSpec {
  text: string;
  document: Record<string, any>;
  operations: SpecOperation[];
  byId: Map<string, SpecOperation>;
}

const METHODS: HttpMethod[] = ["get", "post", "put", "patch", "delete"];

/**
 * The contract lists only `secretKey` on operations a key and a dashboard session both reach,
 * and says once (Authentication) that a session reaches them too: a generated client given
 * one credential fills every scheme an operation lists, and would send the secret key as the
 * session cookie as well. The server accepts the session there all the same.
 */
function withImpliedSession(security: Record<string, string[]>[]): Record<string, string[]>[] {
  const takesKey = security.some((alt) => "secretKey" in alt);
  const takesSession = security.some((alt) => "session" in alt);
  return takesKey && !takesSession ? [{ session: [] }, ...security] : security;
}

/** Follows local `$ref`s (#/components/...) to the object they name. */
export function deref<T = Record<string, any>>(document: Record<string, any>, value: unknown): T {
  let v = value as Record<string, any> | undefined;
  for (let hops = 0; v && typeof v.$ref === "string" && hops < 16; hops++) {
    v = (v.$ref as string).replace(/^#\//, "").split("/").reduce((o: any, k) => o?.[k], document);
  }
  return v as T;
}

function numericQueryOf(document: Record<string, any>, params: unknown[]): string[] {
  return params
    .map((p) => deref(document, p))
    .filter((p) => {
      if (p?.in !== "query") return false;
      const schema = deref(document, p.schema) ?? {};
      const types = ([] as unknown[]).concat(schema.type ?? []);
      return types.includes("integer") || types.includes("number");
    })
    .map((p) => p.name as string);
}

function compilePath(path: string): { expressPath: string; regex: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
    paramNames.push(a ?? b);
    return "([^/]+)";
  });
  return {
    expressPath: path.replace(/\{(\w+)\}/g, ":$1"),
    regex: new RegExp(`^${pattern}/?$`),
    paramNames,
  };
}

export function loadSpec(path = SPEC_PATH): LoadedSpec {
  const text = readFileSync(path, "utf8");
  const document = parse(text) as Record<string, any>;
  const globalSecurity = (document.security ?? []) as Record<string, string[]>[];
  const operations: SpecOperation[] = [];
  for (const [p, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Record<string, any> | undefined;
      if (!op) continue;
      const security = (op.security ?? globalSecurity) as Record<string, string[]>[];
      operations.push({
        operationId: op.operationId,
        method,
        path: p,
        ...compilePath(p),
        security: withImpliedSession(security),
        roles: (op["x-roles"] as Role[] | undefined) ?? null,
        business: (op["x-business"] as BusinessSource | undefined) ?? "header",
        rateLimit: (op["x-rate-limit"] as RateLimitKind | undefined) ?? "api",
        hasRequestBody: Boolean(op.requestBody),
        numericQuery: numericQueryOf(document, [...(item.parameters ?? []), ...(op.parameters ?? [])]),
        raw: op,
      });
    }
  }
  // Literal segments win over parameters (/v1/knowledge/search before /v1/knowledge/{id}).
  operations.sort((a, b) => a.paramNames.length - b.paramNames.length);
  return { text, document, operations, byId: new Map(operations.map((o) => [o.operationId, o])) };
}

interface RouteIndex {
  /** Operations of each parameterless path, in the spec's order (the path's regex matches it with or without one trailing slash). */
  literal: Map<string, SpecOperation[]>;
  /** The operations with path parameters, tried in turn after the literal ones. */
  parameterized: SpecOperation[];
}

const indexes = new WeakMap<LoadedSpec, RouteIndex>();

function routeIndex(spec: LoadedSpec): RouteIndex {
  let index = indexes.get(spec);
  if (!index) {
    index = { literal: new Map(), parameterized: [] };
    for (const op of spec.operations) {
      if (op.paramNames.length) index.parameterized.push(op);
      else index.literal.set(op.path, [...(index.literal.get(op.path) ?? []), op]);
    }
    indexes.set(spec, index);
  }
  return index;
}

/**
 * Finds the operation for a request; `methods` lists what the path allows when the method does
 * not match. Literal paths win over parameters (/v1/knowledge/search before
 * /v1/knowledge/{id}): they are looked up by the path itself, then the others are tried.
 */
export function matchOperation(
  spec: LoadedSpec,
  method: string,
  path: string,
): { op: SpecOperation; params: Record<string, string> } | { op: null; methods: string[] } {
  const m = method.toLowerCase();
  const methods: string[] = [];
  const index = routeIndex(spec);
  const literal = index.literal.get(path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);
  if (literal) {
    for (const op of literal) {
      if (op.method === m || (m === "head" && op.method === "get")) return { op, params: {} };
      methods.push(op.method.toUpperCase());
    }
  }
  for (const op of index.parameterized) {
    const hit = op.regex.exec(path);
    if (!hit) continue;
    if (op.method !== m && !(m === "head" && op.method === "get")) {
      methods.push(op.method.toUpperCase());
      continue;
    }
    const params: Record<string, string> = {};
    op.paramNames.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(hit[i + 1]!);
      } catch {
        params[name] = hit[i + 1]!;
      }
    });
    return { op, params };
  }
  return { op: null, methods };
}

const schemesOf = new WeakMap<SpecOperation, ReadonlyMap<SecurityScheme, string[]>>();

/** The schemes an operation accepts, and the scopes each needs (worked out once per operation). */
export function acceptedSchemes(op: SpecOperation): ReadonlyMap<SecurityScheme, string[]> {
  let out = schemesOf.get(op);
  if (!out) {
    const schemes = new Map<SecurityScheme, string[]>();
    for (const alt of op.security) for (const [scheme, scopes] of Object.entries(alt)) schemes.set(scheme as SecurityScheme, scopes ?? []);
    schemesOf.set(op, (out = schemes));
  }
  return out;
}
