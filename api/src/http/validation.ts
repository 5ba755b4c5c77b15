// Response validation against openapi.yaml, for tests (a response that breaks the contract
// becomes a 500): express-openapi-validator. Requests are validated by request-validator.ts.
import type { RequestHandler } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import type { LoadedSpec } from "../spec/spec.ts";

/**
 * express-openapi-validator, one instance per path of the spec, picked by the operation the
 * request already matched: its route lookup compiles a regular expression for every path it
 * tries before the match, so each instance holds only its own path. Built on a path's first
 * request.
 */
export function responseValidator(spec: LoadedSpec): RequestHandler {
  const { paths, ...rest } = spec.document as { paths: Record<string, unknown> };
  const byPath = new Map<string, RequestHandler[]>();
  const chainFor = (path: string) => {
    let chain = byPath.get(path);
    if (!chain) {
      chain = OpenApiValidator.middleware({
        apiSpec: structuredClone({ ...rest, paths: { [path]: paths[path] } }) as never,
        validateApiSpec: false,
        validateRequests: false,
        validateResponses: { coerceTypes: false },
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
