// POST /twilio/voice: Twilio asks what to do with an incoming call. Signed requests get
// TwiML, always — connect to our stream, or a short message and a hang-up (or the business's
// fallback number) — never a 5xx, which Twilio would turn into its own error for the caller.
import type { Request, Response } from "express";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Logger } from "@frontdesk/core/observability/logger";
import { signStreamToken } from "@frontdesk/core/calls/stream-token";
import { admitCall, type AdmissionDeps } from "../admission/admit-call.ts";
import { admitOutboundCall } from "../admission/admit-outbound-call.ts";
import type { CallContext } from "../admission/call-context.ts";
import type { RelayMetrics } from "../metrics.ts";
import type { ModelSocket } from "../model/socket.ts";
import { requireTwilioSignature, streamUrl } from "./twilio-signature.ts";
import { sayAndEndTwiml, CALL_SID } from "@frontdesk/core/telephony/twilio-calls";
import { personalise } from "@frontdesk/core/agent/agent-config";
import { connectStreamTwiml, streamEndedUrl } from "./twiml.ts";

export interface VoiceWebhookDeps extends AdmissionDeps {
  config: Pick<AppConfig, "openai" | "appSecret" | "publicBaseUrl" | "twilio">;
  logger: Logger;
  metrics: RelayMetrics;
  /** Opens and configures the model socket while Twilio connects the stream. */
  prepareModel: (context: CallContext) => ModelSocket | undefined;
}

const TROUBLE = "Sorry, we can't take your call right now. Please try again in a few minutes. Goodbye.";

export function voiceWebhook(deps: VoiceWebhookDeps) {
  return async (req: Request, res: Response) => {
    const params = (req.body ?? {}) as Record<string, string>;
    if (!requireTwilioSignature(req, res, deps.config, params)) {
      deps.metrics.refused("bad_signature");
      return;
    }
    const twiml = (xml: string) => res.status(200).type("text/xml").send(xml);
    const callSid = String(params.CallSid ?? "");
    const toNumber = String(params.To ?? "").trim();
    if (!CALL_SID.test(callSid) || !toNumber) return twiml(sayAndEndTwiml(TROUBLE));
    const log = deps.logger.child({ callSid });
    try {
      // An outbound call placed through the API names its call in the (signed) webhook URL.
      const outboundCallId = String(params.Direction ?? "").startsWith("outbound") && typeof req.query.callId === "string" ? req.query.callId : null;
      const admission = outboundCallId
        ? await admitOutboundCall(deps, { callSid, callId: outboundCallId, toNumber })
        : await admitCall(deps, { callSid, toNumber, fromNumber: String(params.From ?? "").trim() });
      if (admission.kind === "refuse") {
        deps.metrics.refused(admission.reason);
        log.info({ reason: admission.reason, callId: admission.callId }, "call refused");
        return twiml(sayAndEndTwiml(admission.message, admission.fallbackNumber));
      }
      const { context } = admission;
      const token = signStreamToken(deps.config.appSecret, {
        aud: "twilio-stream", businessId: context.businessId, callId: context.callId, callSid,
      });
      deps.liveCalls.hold(context, deps.prepareModel(context));
      log.info({ businessId: context.businessId, callId: context.callId }, "call admitted");
      return twiml(
        connectStreamTwiml({
          streamUrl: streamUrl(deps.config.publicBaseUrl),
          token,
          streamEndedUrl: streamEndedUrl(deps.config.publicBaseUrl, context.agent.fallbackNumber),
          // Recording needs Twilio's REST API; without it nothing is recorded, so nothing is announced.
          sayFirst: context.agent.recordCalls && deps.config.twilio.configured ? personalise(context.agent.recordingConsentMessage, context.business.name) : undefined,
        }),
      );
    } catch (err) {
      log.error({ err }, "voice webhook failed");
      return twiml(sayAndEndTwiml(TROUBLE));
    }
  };
}
