// POST /twilio/stream-ended: the action of a call's <Connect>. Twilio asks it what to do
// once the media stream is over; the answer is what the relay left for the call when it
// ended the stream on purpose (transports/stream-exits.ts), else — the stream was lost — an
// apology and a hang-up, or the business's fallback number. Always TwiML, never a 5xx
// (Twilio would play its own error to the caller).
import type { Request, Response } from "express";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { StreamExits } from "../transports/stream-exits.ts";
import { requireTwilioSignature } from "./twilio-signature.ts";
import { streamLostTwiml } from "./twiml.ts";
import { CALL_SID } from "@frontdesk/core/telephony/twilio-calls";

export interface StreamEndedDeps {
  config: Pick<AppConfig, "publicBaseUrl" | "twilio">;
  exits: StreamExits;
  logger: Logger;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function streamEnded(deps: StreamEndedDeps) {
  return async (req: Request, res: Response) => {
    const params = (req.body ?? {}) as Record<string, string>;
    if (!requireTwilioSignature(req, res, deps.config, params)) return;
    const callSid = String(params.CallSid ?? "");
    const fallback = typeof req.query.fallback === "string" && E164.test(req.query.fallback) ? req.query.fallback : null;
    let next: string | null = null;
    if (CALL_SID.test(callSid)) {
      next = await deps.exits.take(callSid).catch((err: unknown) => {
        deps.logger.error({ err, callSid }, "the call's next step could not be read; apologising");
        return null;
      });
    }
    if (next === null) deps.logger.warn({ callSid }, "stream ended without a next step: the caller hears the apology");
    res.status(200).type("text/xml").send(next ?? streamLostTwiml(fallback));
  };
}
