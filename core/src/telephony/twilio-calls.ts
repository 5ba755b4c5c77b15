// The two Twilio REST calls the relay makes on a live call: hang it up, or redirect it to new
// TwiML (a transfer's `<Dial>`), and the TwiML documents a live call is sent on to. Uses the
// real twilio SDK; when TWILIO_API_BASE_URL is set the SDK's requests are sent there instead
// of https://api.twilio.com (a local stand-in in tests).
import twilio from "twilio";
import type { AppConfig } from "../config/env.ts";
import { twilioClient } from "./twilio-client.ts";

export interface TwilioCalls {
  /** False without TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN: the simulator path ends calls itself. */
  readonly configured: boolean;
  /** Ends a live call (`Status=completed`). */
  hangUp(callSid: string): Promise<void>;
  /** Replaces what a live call is doing with this TwiML (`Twiml=...`), e.g. `dialTwiml(...)`. */
  redirect(callSid: string, twiml: string): Promise<void>;
}

export type TwilioCallErrorKind =
  | "not_configured" // no credentials: nothing was sent
  | "invalid_call_sid" // not a Twilio call SID: nothing was sent
  | "unauthorized" // Twilio refused the account SID / auth token
  | "call_not_found" // no such call on this account
  | "call_not_live" // the call has already ended
  | "rejected" // Twilio refused the request for another reason
  | "unavailable"; // Twilio could not be reached or answered 5xx/429

export class TwilioCallError extends Error {
  constructor(
    readonly kind: TwilioCallErrorKind,
    message: string,
    readonly details: { status?: number; code?: number; moreInfo?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "TwilioCallError";
  }
}

/** A Twilio call SID, as every webhook and REST path carries it. */
export const CALL_SID = /^CA[0-9a-fA-F]{32}$/;

export function createTwilioCalls(config: Pick<AppConfig, "twilio">, opts: { timeoutMs?: number } = {}): TwilioCalls {
  const { accountSid, authToken, apiBaseUrl, configured } = config.twilio;
  if (!configured || !accountSid) return notConfigured();

  const { client, where } = twilioClient({ accountSid, authToken, apiBaseUrl }, opts);

  async function update(callSid: string, action: string, params: { status: "completed" } | { twiml: string }) {
    if (!CALL_SID.test(callSid)) {
      throw new TwilioCallError("invalid_call_sid", `cannot ${action} "${callSid}": not a Twilio call SID (CA + 32 hex digits)`);
    }
    try {
      await client.calls(callSid).update(params);
    } catch (err) {
      throw explain(err, { action, callSid, accountSid: accountSid!, where });
    }
  }

  return {
    configured: true,
    hangUp: (callSid) => update(callSid, "hang up call", { status: "completed" }),
    redirect: (callSid, twiml) => update(callSid, "redirect call", { twiml }),
  };
}

/** TwiML that connects the caller to `to` (E.164), e.g. the business's transfer number. */
export function dialTwiml(to: string, opts: { callerId?: string; timeoutSec?: number } = {}): string {
  if (!/^\+[1-9]\d{6,14}$/.test(to)) throw new TwilioCallError("rejected", `cannot dial "${to}": not an E.164 number`);
  const response = new twilio.twiml.VoiceResponse();
  response.dial({ ...(opts.callerId ? { callerId: opts.callerId } : {}), ...(opts.timeoutSec ? { timeout: opts.timeoutSec } : {}) }, to);
  return response.toString();
}

/** TwiML that says `message` and hangs up, or then dials `fallbackNumber` (E.164) if given. */
export function sayAndEndTwiml(message: string, fallbackNumber: string | null = null): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(message);
  if (fallbackNumber) response.dial(fallbackNumber);
  else response.hangup();
  return response.toString();
}

/** TwiML that ends the call without a word: a goodbye the agent has already said. */
export function hangUpTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.hangup();
  return response.toString();
}

function notConfigured(): TwilioCalls {
  const refuse = async (callSid: string, action: string) => {
    throw new TwilioCallError(
      "not_configured",
      `cannot ${action} ${callSid}: Twilio is not configured (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN); simulated calls are ended by the relay itself`,
    );
  };
  return {
    configured: false,
    hangUp: (callSid) => refuse(callSid, "hang up call"),
    redirect: (callSid) => refuse(callSid, "redirect call"),
  };
}

export function explain(
  err: unknown,
  ctx: { action: string; callSid: string; accountSid: string; where: string },
): TwilioCallError {
  const what = `cannot ${ctx.action} ${ctx.callSid}`;
  if (err instanceof twilio.RestException) {
    const details = { status: err.status, code: err.code, moreInfo: err.moreInfo, cause: err };
    const said = `Twilio answered ${err.status}${err.code ? ` (error ${err.code})` : ""}: ${err.message}`;
    if (err.status === 401 || err.code === 20003) {
      return new TwilioCallError("unauthorized", `${what}: Twilio refused the credentials for account ${ctx.accountSid}; check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (${said})`, details);
    }
    if (err.status === 404) {
      return new TwilioCallError("call_not_found", `${what}: account ${ctx.accountSid} has no such call (${said})`, details);
    }
    if (err.code === 21220) {
      return new TwilioCallError("call_not_live", `${what}: the call has already ended (${said})`, details);
    }
    if (err.status === 429 || err.status >= 500) {
      return new TwilioCallError("unavailable", `${what}: Twilio is unavailable (${said})`, details);
    }
    return new TwilioCallError("rejected", `${what}: ${said}`, details);
  }
  const reason = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
  return new TwilioCallError("unavailable", `${what}: Twilio's REST API at ${ctx.where} could not be reached (${reason})`, { cause: err });
}
