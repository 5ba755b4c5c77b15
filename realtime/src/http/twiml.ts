// The TwiML the relay answers a call with: connect it to our media stream — naming the
// stream-ended action that says what happens once the stream is over — or, when the stream
// was lost rather than ended on purpose, an apology and a hang-up (or the business's
// fallback number).
import VoiceResponseModule from "twilio/lib/twiml/VoiceResponse.js";

const VoiceResponse = ((VoiceResponseModule as unknown as { default?: typeof VoiceResponseModule }).default ?? VoiceResponseModule) as typeof VoiceResponseModule;

/** Heard if the stream ends without the relay saying what comes next (e.g. the relay died). */
const STREAM_LOST = "Sorry, our assistant is having trouble right now. Please call again in a few minutes.";
const TO_FALLBACK = "Sorry, let me put you through to someone.";

/** Where Twilio asks what to do once a call's stream has ended. */
export function streamEndedUrl(publicBaseUrl: string, fallbackNumber: string | null): string {
  const url = `${publicBaseUrl}/twilio/stream-ended`;
  return fallbackNumber ? `${url}?fallback=${encodeURIComponent(fallbackNumber)}` : url;
}

export function connectStreamTwiml(opts: { streamUrl: string; token: string; streamEndedUrl: string; sayFirst?: string }): string {
  const vr = new VoiceResponse();
  // Said by Twilio before the stream opens: the recording consent, heard before anything is recorded.
  if (opts.sayFirst) vr.say(opts.sayFirst);
  // With an action, nothing after <Connect> runs: the action's answer decides, so a deliberate
  // goodbye is never followed by the trouble message.
  const stream = vr.connect({ action: opts.streamEndedUrl }).stream({ url: opts.streamUrl });
  // Parameters are child elements; passing them as an attribute loses them silently.
  stream.parameter({ name: "token", value: opts.token });
  return vr.toString();
}

/** The stream ended and nobody said why: apologise, then hang up or dial the fallback. */
export function streamLostTwiml(fallbackNumber: string | null): string {
  const vr = new VoiceResponse();
  if (fallbackNumber) {
    vr.say(TO_FALLBACK);
    vr.dial(fallbackNumber);
  } else {
    vr.say(STREAM_LOST);
    vr.hangup();
  }
  return vr.toString();
}
