// Request (and, in tests, response) validation against openapi.yaml (the checks a JSON Schema
// cannot express are in well-formed.ts).
import type { RequestHandler } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import type { LoadedSpec } from "../spec/spec.ts";

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
        validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors: true },
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
