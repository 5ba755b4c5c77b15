// A call's recording at Twilio, through its REST API: started on a live call (Recordings
// create, with our signature-checked status callback), its audio read with our credentials
// (for the API to stream to the business: the recording's Twilio URL is never handed out),
// and deleted (the business's retention, or the call deleted). Uses the real twilio SDK for
// create and delete; the media is a plain authenticated GET (the SDK does not fetch media).
import twilio from "twilio";
import type { AppConfig } from "../config/env.ts";
import { twilioClient, TWILIO_API_ORIGIN } from "./twilio-client.ts";
import { explain, TwilioCallError } from "./twilio-calls.ts";

export const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

export interface RecordingAudio {
  contentType: string;
  contentLength: number | null;
  body: ReadableStream<Uint8Array>;
}

export interface TwilioRecordings {
  readonly configured: boolean;
  /** Starts recording a live call (both parties, one channel each); resolves with the recording's SID. */
  start(callSid: string, statusCallback: string): Promise<{ recordingSid: string }>;
  /** The recording's audio (MP3), read from Twilio with the account's credentials. */
  audio(recordingSid: string): Promise<RecordingAudio>;
  /** Deletes the recording at Twilio; "gone" when Twilio no longer has it. */
  remove(recordingSid: string): Promise<"deleted" | "gone">;
}

export function createTwilioRecordings(config: Pick<AppConfig, "twilio">, opts: { timeoutMs?: number } = {}): TwilioRecordings {
  const { accountSid, authToken, apiBaseUrl, configured } = config.twilio;
  if (!configured || !accountSid) {
    const refuse = async (what: string): Promise<never> => {
      throw new TwilioCallError("not_configured", `cannot ${what}: Twilio is not configured (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)`);
    };
    return { configured: false, start: () => refuse("record the call"), audio: () => refuse("read the recording"), remove: () => refuse("delete the recording") };
  }
  const { client, where } = twilioClient({ accountSid, authToken, apiBaseUrl }, opts);
  const ctx = (action: string, sid: string) => ({ action, callSid: sid, accountSid, where });
  const checkSid = (sid: string) => {
    if (!RECORDING_SID.test(sid)) throw new TwilioCallError("rejected", `"${sid}" is not a Twilio recording SID (RE + 32 hex digits)`);
  };

  return {
    configured: true,
    async start(callSid, statusCallback) {
      try {
        const recording = await client.calls(callSid).recordings.create({
          recordingChannels: "dual",
          recordingStatusCallback: statusCallback,
          recordingStatusCallbackMethod: "POST",
          recordingStatusCallbackEvent: ["in-progress", "completed", "absent"],
        });
        return { recordingSid: recording.sid };
      } catch (err) {
        throw explain(err, ctx("record call", callSid));
      }
    },
    async audio(recordingSid) {
      checkSid(recordingSid);
      const base = (apiBaseUrl ?? TWILIO_API_ORIGIN).replace(/\/+$/, "");
      const url = `${base}/2010-04-01/Accounts/${accountSid}/Recordings/${recordingSid}.mp3`;
      let res: Response;
      try {
        // Twilio may redirect the media to its storage; fetch drops Authorization across origins.
        res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}` }, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
      } catch (err) {
        throw explain(err, ctx("read recording", recordingSid));
      }
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        const said = `Twilio answered ${res.status}`;
        if (res.status === 404) throw new TwilioCallError("call_not_found", `cannot read recording ${recordingSid}: Twilio has no such recording (${said})`, { status: 404 });
        if (res.status === 401) throw new TwilioCallError("unauthorized", `cannot read recording ${recordingSid}: Twilio refused the credentials of account ${accountSid} (${said})`, { status: 401 });
        throw new TwilioCallError(res.status === 429 || res.status >= 500 ? "unavailable" : "rejected", `cannot read recording ${recordingSid} (${said})`, { status: res.status });
      }
      const length = Number(res.headers.get("content-length"));
      return { contentType: res.headers.get("content-type") ?? "audio/mpeg", contentLength: Number.isFinite(length) && length > 0 ? length : null, body: res.body };
    },
    async remove(recordingSid) {
      checkSid(recordingSid);
      try {
        await client.recordings(recordingSid).remove();
        return "deleted";
      } catch (err) {
        if (err instanceof twilio.RestException && err.status === 404) return "gone";
        throw explain(err, ctx("delete recording", recordingSid));
      }
    },
  };
}
