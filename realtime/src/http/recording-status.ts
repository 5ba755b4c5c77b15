// POST /twilio/recording-status: Twilio's RecordingStatusCallback for a call we record
// (RecordingSid, RecordingStatus, RecordingDuration, CallSid). Signature-checked; the SID,
// status and length are stored on the call (core/calls/call-recording). RecordingUrl is
// ignored: the API streams the audio itself, with our credentials.
import type { Request, Response } from "express";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import { applyRecordingStatus, parseRecordingStatus } from "@frontdesk/core/calls/call-recording";
import { RECORDING_SID } from "@frontdesk/core/telephony/twilio-recordings";
import { requireTwilioSignature } from "./twilio-signature.ts";
import { CALL_SID } from "@frontdesk/core/telephony/twilio-calls";

export interface RecordingStatusDeps {
  config: Pick<AppConfig, "publicBaseUrl" | "twilio">;
  db: Db;
  logger: Logger;
}

export function recordingStatusCallback(deps: RecordingStatusDeps) {
  return async (req: Request, res: Response) => {
    const params = (req.body ?? {}) as Record<string, string>;
    if (!requireTwilioSignature(req, res, deps.config, params)) return;
    const callSid = String(params.CallSid ?? "");
    const recordingSid = String(params.RecordingSid ?? "");
    const status = parseRecordingStatus(params.RecordingStatus);
    if (!CALL_SID.test(callSid) || !RECORDING_SID.test(recordingSid) || !status) {
      res.status(400).type("text/plain").send("Bad Request: CallSid, RecordingSid and a known RecordingStatus are required");
      return;
    }
    const duration = Number(params.RecordingDuration);
    const durationSec = params.RecordingDuration !== undefined && Number.isInteger(duration) && duration >= 0 ? duration : undefined;
    try {
      const found = await applyRecordingStatus(deps.db, { callSid, recordingSid, status, durationSec });
      if (!found) deps.logger.warn({ callSid, recordingSid }, "recording status for no call of ours");
      res.status(204).end();
    } catch (err) {
      deps.logger.error({ err, callSid }, "recording status callback failed");
      res.status(503).type("text/plain").send("Service Unavailable");
    }
  };
}
