// The API's access log: request id, the business acted on, the call addressed (if any) and the
// operation, on core's access-log line.
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "@frontdesk/core/observability/logger";
import { accessLog } from "@frontdesk/core/observability/access-log";

export function apiAccessLog(logger: Logger): RequestHandler {
  return accessLog<Request, Response>(logger.child({ component: "http" }), (req, res) => ({
    requestId: String(res.getHeader("Request-Id") ?? ""),
    businessId: req.fd?.tenant?.business.id,
    callId: req.fd?.params?.callId,
    operation: req.fd?.op.operationId,
  }));
}
