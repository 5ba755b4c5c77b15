// Request (and, in tests, response) validation against openapi.yaml, plus the checks a JSON
// Schema cannot express: no NUL characters (PostgreSQL text cannot hold them).
import type { RequestHandler } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import type { LoadedSpec } from "../spec/spec.ts";
import { invalid } from "./api-error.ts";

export function openApiValidator(spec: LoadedSpec, opts: { validateResponses: boolean }): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: structuredClone(spec.document) as never,
    validateApiSpec: false,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
    validateResponses: opts.validateResponses ? { coerceTypes: false } : false,
    validateSecurity: false,
    validateFormats: true,
    ajvFormats: { mode: "full" },
    ignoreUndocumented: true,
  }) as unknown as RequestHandler[];
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
