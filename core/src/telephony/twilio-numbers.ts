// Pointing a Twilio number at the relay: find the number on the account (IncomingPhoneNumbers
// filtered by PhoneNumber), then set its voice webhook and status callback (both POST).
import twilio from "twilio";
import type { AppConfig } from "../config/env.ts";
import { twilioClient } from "./twilio-client.ts";
import type { TwilioWebhookUrls } from "./webhook-urls.ts";

export type TwilioNumberErrorKind =
  | "not_configured" // no credentials: nothing was sent
  | "number_not_found" // the account has no such number
  | "unauthorized" // Twilio refused the account SID / auth token
  | "rejected" // Twilio refused the update for another reason
  | "unavailable"; // Twilio could not be reached or answered 5xx/429

export class TwilioNumberError extends Error {
  constructor(
    readonly kind: TwilioNumberErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TwilioNumberError";
  }
}

export interface TwilioNumbers {
  readonly configured: boolean;
  /** Sets the number's voice and status webhooks; answers the number's SID (PN…). */
  configureWebhooks(e164: string, urls: TwilioWebhookUrls): Promise<{ sid: string }>;
}

export function createTwilioNumbers(config: Pick<AppConfig, "twilio">, opts: { timeoutMs?: number } = {}): TwilioNumbers {
  const { accountSid, authToken, apiBaseUrl, configured } = config.twilio;
  if (!configured || !accountSid) {
    return {
      configured: false,
      configureWebhooks: async (e164) => {
        throw new TwilioNumberError("not_configured", `cannot configure ${e164}: Twilio is not configured (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)`);
      },
    };
  }
  const { client, where } = twilioClient({ accountSid, authToken, apiBaseUrl }, opts);
  return {
    configured: true,
    async configureWebhooks(e164, urls) {
      const what = `cannot configure ${e164}`;
      try {
        const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: e164, limit: 1 });
        if (!number) throw new TwilioNumberError("number_not_found", `${what}: Twilio account ${accountSid} has no such number`);
        await client.incomingPhoneNumbers(number.sid).update({
          voiceUrl: urls.voiceUrl,
          voiceMethod: "POST",
          statusCallback: urls.statusCallbackUrl,
          statusCallbackMethod: "POST",
        });
        return { sid: number.sid };
      } catch (err) {
        if (err instanceof TwilioNumberError) throw err;
        if (err instanceof twilio.RestException) {
          const said = `Twilio answered ${err.status}${err.code ? ` (error ${err.code})` : ""}: ${err.message}`;
          if (err.status === 401 || err.code === 20003) throw new TwilioNumberError("unauthorized", `${what}: Twilio refused the credentials for account ${accountSid} (${said})`, { cause: err });
          if (err.status === 404) throw new TwilioNumberError("number_not_found", `${what}: ${said}`, { cause: err });
          if (err.status === 429 || err.status >= 500) throw new TwilioNumberError("unavailable", `${what}: Twilio is unavailable (${said})`, { cause: err });
          throw new TwilioNumberError("rejected", `${what}: ${said}`, { cause: err });
        }
        const reason = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
        throw new TwilioNumberError("unavailable", `${what}: Twilio's REST API at ${where} could not be reached (${reason})`, { cause: err });
      }
    },
  };
}
