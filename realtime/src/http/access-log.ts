// The relay's access log: each webhook's call sid (from Twilio's form body, parsed by the
// route) and Twilio's idempotency token as the request id, on core's access-log line.
import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "@frontdesk/core/observability/logger";
import { accessLog } from "@frontdesk/core/observability/access-log";

export function relayAccessLog(logger: Logger): RequestHandler {
  return accessLog<Request, Response>(logger.child({ component: "http" }), (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = req.headers["i-twilio-idempotency-token"];
    return {
      requestId: typeof token === "string" ? token : randomUUID(),
      callSid: typeof body.CallSid === "string" ? body.CallSid : undefined,
    };
  });
}
