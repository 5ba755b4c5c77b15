// Places an outbound call through Twilio's REST API (Calls create): Twilio dials `to` from
// one of the business's numbers and, once answered, asks our voice webhook what to do, as it
// does for an incoming call. Uses the real twilio SDK (TWILIO_API_BASE_URL: a local stand-in).
import type { AppConfig } from "../config/env.ts";
import { twilioClient } from "./twilio-client.ts";
import { explain, TwilioCallError } from "./twilio-calls.ts";

export interface DialRequest {
  from: string;
  to: string;
  /** Our voice webhook, with the call's id in the query. */
  url: string;
  statusCallback: string;
  /**
   * Where Twilio posts its answering-machine verdict (AsyncAmdStatusCallback). Detection runs
   * asynchronously and waits for a machine's greeting to end (DetectMessageEnd), so the agent
   * is connected at once and a voicemail can be left after the beep.
   */
  answeringMachineCallback?: string;
}

export interface TwilioDialer {
  /** False without TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN: nothing can be dialled. */
  readonly configured: boolean;
  /** Asks Twilio to dial; resolves with the new call's SID. */
  dial(request: DialRequest): Promise<{ callSid: string }>;
}

export function createTwilioDialer(config: Pick<AppConfig, "twilio">, opts: { timeoutMs?: number } = {}): TwilioDialer {
  const { accountSid, authToken, apiBaseUrl, configured } = config.twilio;
  if (!configured || !accountSid) {
    return {
      configured: false,
      dial: async (r) => {
        throw new TwilioCallError("not_configured", `cannot dial ${r.to}: Twilio is not configured (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)`);
      },
    };
  }
  const { client, where } = twilioClient({ accountSid, authToken, apiBaseUrl }, opts);
  return {
    configured: true,
    async dial(r) {
      try {
        const call = await client.calls.create({
          from: r.from, to: r.to, url: r.url, method: "POST",
          statusCallback: r.statusCallback, statusCallbackMethod: "POST",
          ...(r.answeringMachineCallback
            ? { machineDetection: "DetectMessageEnd", asyncAmd: "true", asyncAmdStatusCallback: r.answeringMachineCallback, asyncAmdStatusCallbackMethod: "POST" }
            : {}),
        });
        return { callSid: call.sid };
      } catch (err) {
        throw explain(err, { action: "dial", callSid: r.to, accountSid, where });
      }
    },
  };
}
