// Request (and, in tests, response) validation against openapi.yaml, plus the checks a JSON
// Schema cannot express: no NUL characters (PostgreSQL text cannot hold them).
import type { RequestHandler } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import type { LoadedSpec } from "../spec/spec.ts";
import { invalid } from "./api-error.ts";

/**
 * express-openapi-validator, one instance per path of the spec, picked by the operation the
 * request already matched. Same library, options and schemas, so the same checks and errors;
 * but its route lookup compiles a regular expression for every path it tries before the
 * match (~20 per GET /v1/calls with one instance for the whole spec), so each instance here
 * holds only its own path. Instances are built on a path's first request.
 */
export function openApiValidator(spec: LoadedSpec, opts: { validateResponses: boolean }): RequestHandler {
  const { paths, ...rest } = spec.document as { paths: Record<string, unknown> };
  const byPath = new Map<string, RequestHandler[]>();
  const chainFor = (path: string) => {
    let chain = byPath.get(path);
    if (!chain) {
      chain = OpenApiValidator.middleware({
        apiSpec: structuredClone({ ...rest, paths: { [path]: paths[path] } }) as never,
        validateApiSpec: false,
        validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
        validateResponses: opts.validateResponses ? { coerceTypes: false } : false,
        validateSecurity: false,
        validateFormats: true,
        ajvFormats: { mode: "full" },
        ignoreUndocumented: true,
      }) as unknown as RequestHandler[];
      byPath.set(path, chain);
    }
    return chain;
  };
  return (req, res, next) => {
    const op = req.fd?.op;
    if (!op) return next();
    const chain = chainFor(op.path);
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) return next(err);
      const mw = chain[i++];
      if (!mw) return next();
      try {
        void mw(req, res, step);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (depth > 32 || !value || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes("\u0000")) return `${path}.${k.replaceAll("\u0000", "\\0")}`;
    const hit = findNul(v, `${path}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}

/** Before anything reads the request: path, query and headers. */
export function rejectNulInUrl(): RequestHandler {
  return (req, _res, next) => {
    const hit = findNul(req.fd?.params, "path") ?? findNul(req.query, "query") ?? findNul(req.headers, "header");
    if (hit) return next(invalid("Text may not contain NUL (\\u0000) characters.", [{ path: hit, message: "contains a NUL character" }]));
    next();
  };
}

export function rejectNulCharacters(): RequestHandler {
  return (req, _res, next) => {
    const hit = findNul(req.body, "body");
    if (hit) return next(invalid("Text may not contain NUL (\\u0000) characters.", [{ path: hit, message: "contains a NUL character" }]));
    next();
  };
}
