// POST /twilio/status: Twilio's call status callback. Idempotent in any order and any
// number of repeats (see core/calls/apply-call-status); a final status frees the call's place.
import type { Request, Response } from "express";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import { applyCallStatus } from "@frontdesk/core/calls/apply-call-status";
import { parseTwilioCallStatus } from "@frontdesk/core/calls/call-status";
import { leaseKey, type LiveCalls } from "../admission/live-calls.ts";
import { requireTwilioSignature } from "./twilio-signature.ts";
import { CALL_SID } from "@frontdesk/core/telephony/twilio-calls";

export interface StatusCallbackDeps {
  config: Pick<AppConfig, "publicBaseUrl" | "twilio">;
  db: Db;
  cache: Pick<Cache, "releaseLease">;
  liveCalls: LiveCalls;
  logger: Logger;
}

export function statusCallback(deps: StatusCallbackDeps) {
  return async (req: Request, res: Response) => {
    const params = (req.body ?? {}) as Record<string, string>;
    if (!requireTwilioSignature(req, res, deps.config, params)) return;
    const callSid = String(params.CallSid ?? "");
    const status = parseTwilioCallStatus(params.CallStatus);
    if (!CALL_SID.test(callSid) || !status) {
      res.status(400).type("text/plain").send("Bad Request: CallSid and a known CallStatus are required");
      return;
    }
    const duration = params.CallDuration === undefined ? undefined : Number(params.CallDuration);
    const durationSec = duration !== undefined && Number.isInteger(duration) && duration >= 0 ? duration : undefined;
    try {
      const r = await applyCallStatus(deps.db, {
        callSid, status, durationSec, fromNumber: params.From, toNumber: params.To,
      });
      if (r.applied && r.terminal) {
        // The call is over: a stream that never came will not come, and its place is free.
        deps.liveCalls.drop(callSid);
        await deps.cache.releaseLease(leaseKey(r.businessId), callSid).catch(() => {});
      }
      res.status(204).end();
    } catch (err) {
      deps.logger.error({ err, callSid }, "status callback failed");
      res.status(503).type("text/plain").send("Service Unavailable");
    }
  };
}
