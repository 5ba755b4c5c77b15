// POST /twilio/amd: Twilio's asynchronous answering-machine verdict on an outbound call
// (AsyncAmdStatusCallback: CallSid, AnsweredBy, MachineDetectionDuration). The agent has been
// talking (or waiting) since the call was answered; on a machine whose greeting has ended it
// leaves the voicemail message and hangs up, on a fax the call is hung up, on a person (or
// when Twilio cannot tell) it talks on. The verdict is kept on the call either way.
import type { Request, Response } from "express";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import { recordAnsweredBy } from "@frontdesk/core/calls/answered-by";
import { answeringMachineAction, parseAnsweredBy } from "@frontdesk/core/telephony/answering-machine";
import { CALL_SID } from "@frontdesk/core/telephony/twilio-calls";
import type { TwilioCalls } from "@frontdesk/core/telephony/twilio-calls";
import type { CallControl } from "../admission/call-control.ts";
import { requireTwilioSignature } from "./twilio-signature.ts";

export interface AnsweringMachineDeps {
  config: Pick<AppConfig, "publicBaseUrl" | "twilio">;
  db: Db;
  control: CallControl;
  rest: Pick<TwilioCalls, "configured" | "hangUp">;
  logger: Logger;
}

export function answeringMachineCallback(deps: AnsweringMachineDeps) {
  return async (req: Request, res: Response) => {
    const params = (req.body ?? {}) as Record<string, string>;
    if (!requireTwilioSignature(req, res, deps.config, params)) return;
    const callSid = String(params.CallSid ?? "");
    const answeredBy = parseAnsweredBy(params.AnsweredBy);
    if (!CALL_SID.test(callSid) || !answeredBy) {
      res.status(400).type("text/plain").send("Bad Request: CallSid and a known AnsweredBy are required");
      return;
    }
    const log = deps.logger.child({ callSid });
    try {
      const call = await recordAnsweredBy(deps.db, callSid, answeredBy);
      if (!call) {
        log.warn({ answeredBy }, "answering-machine verdict for no outbound call of ours");
        res.status(204).end();
        return;
      }
      const action = answeringMachineAction(answeredBy);
      log.info({ answeredBy, action, callId: call.callId, detectionMs: params.MachineDetectionDuration }, "answering-machine verdict");
      if (action === "leave_voicemail") await deps.control.send(callSid, "leave_voicemail");
      else if (action === "hang_up" && deps.rest.configured) await deps.rest.hangUp(callSid).catch((err) => log.warn({ err: String(err) }, "fax call not hung up"));
      res.status(204).end();
    } catch (err) {
      log.error({ err }, "answering-machine callback failed");
      res.status(503).type("text/plain").send("Service Unavailable");
    }
  };
}
