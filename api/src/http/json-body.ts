// The JSON request body, with a deadline: a client that sends its headers and then stalls the
// body gets a problem+json 408 with its Request-Id and the connection closed, instead of
// holding a socket until Node's requestTimeout answers a bare 408.
import express, { type RequestHandler } from "express";
import { problemBody, sendProblem } from "./problem.ts";

const JSON_TYPES = ["application/json", "application/*+json"];
const JSON_LIMIT = "1mb";
const IMPORT_JSON_LIMIT = "16mb";
/** Well under Node's requestTimeout (300 s), which would answer first otherwise. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers["transfer-encoding"] !== undefined || (headers["content-length"] !== undefined && headers["content-length"] !== "0");

export function jsonBody(opts: { timeoutMs?: number } = {}): RequestHandler {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const normal = express.json({ limit: JSON_LIMIT, type: JSON_TYPES });
  const large = express.json({ limit: IMPORT_JSON_LIMIT, type: JSON_TYPES });
  return (req, res, next) => {
    // No body to read (most requests): nothing for the parser to do.
    if (!hasBody(req.headers)) return next();
    const parse = req.fd?.op.operationId === "importKnowledge" ? large : normal;
    if (req.complete) return parse(req, res, next);
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      res.setHeader("Connection", "close");
      res.once("finish", () => req.socket.destroy());
      const requestId = String(res.getHeader("Request-Id") ?? "");
      sendProblem(res, problemBody(408, "request_timeout", `The request body did not arrive within ${Math.round(timeoutMs / 1000)} s.`, requestId));
    }, timeoutMs);
    parse(req, res, (err?: unknown) => {
      clearTimeout(timer);
      if (!settled) next(err);
    });
  };
}
