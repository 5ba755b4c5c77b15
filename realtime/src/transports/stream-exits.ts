// What a Twilio call does once the relay ends its media stream on purpose. The stream's
// <Connect> names an action (POST /twilio/stream-ended); before the relay closes a stream to
// hang up, transfer or apologise, it leaves the call's next TwiML here, in Redis, so the
// action — answered by whichever relay instance Twilio reaches — carries it out. That works
// with no Twilio REST credentials and when the REST API refuses. A stream that ends with
// nothing left here was lost: the caller hears an apology (see http/stream-ended.ts).
import type { Cache } from "@frontdesk/core/cache/cache";

export interface StreamExits {
  /** The TwiML the call runs once its stream ends. */
  leave(callSid: string, twiml: string): Promise<void>;
  /** The TwiML left for the call, once (null: none). */
  take(callSid: string): Promise<string | null>;
}

/** Twilio asks as soon as the stream ends; this only has to outlive a slow request. */
const KEEP_MS = 10 * 60_000;
const key = (callSid: string) => `stream-exit:${callSid}`;

export function createStreamExits(cache: Pick<Cache, "get" | "set" | "del">): StreamExits {
  return {
    leave: (callSid, twiml) => cache.set(key(callSid), twiml, KEEP_MS),
    async take(callSid) {
      const twiml = await cache.get(key(callSid));
      if (twiml !== null) await cache.del(key(callSid));
      return twiml;
    },
  };
}
