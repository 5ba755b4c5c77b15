// One log line per HTTP request, written when the response finishes: method, path, status,
// duration, and the ids that join it to everything else (request id, business id, call sid).
// Operational routes (probes, scrapes) are left out: they would drown the rest.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "./logger.ts";

export interface AccessLogIds {
  requestId?: string;
  businessId?: string;
  callSid?: string;
  [field: string]: string | number | undefined;
}

const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

export function accessLog<Req extends IncomingMessage, Res extends ServerResponse>(
  logger: Logger,
  ids: (req: Req, res: Res) => AccessLogIds,
): (req: Req, res: Res, next: () => void) => void {
  // Decided once: below info (tests, benchmarks) the log costs nothing per request.
  if (!logger.isLevelEnabled("info")) return (_req, _res, next) => next();
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? "/").split("?")[0]!;
    if (!QUIET.has(path)) {
      res.once("close", () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const fields = Object.fromEntries(Object.entries(ids(req, res)).filter(([, v]) => v !== undefined && v !== ""));
        const status = res.headersSent ? res.statusCode : 499; // 499: the client went away first
        const line = { ...fields, method: req.method, path, status, ms: Math.round(ms * 10) / 10 };
        if (status >= 500) logger.error(line, "request");
        else logger.info(line, "request");
      });
    }
    next();
  };
}
