// The TwiML the relay answers with: connect the call to our media stream, or say a short
// message and hang up (or dial the business's fallback number).
import VoiceResponseModule from "twilio/lib/twiml/VoiceResponse.js";

const VoiceResponse = ((VoiceResponseModule as unknown as { default?: typeof VoiceResponseModule }).default ?? VoiceResponseModule) as typeof VoiceResponseModule;

/** Played by Twilio if the stream ends without the call ending (e.g. the AI dropped out). */
const STREAM_LOST = "Sorry, our assistant is having trouble right now. Please call again in a few minutes.";

export function connectStreamTwiml(opts: { streamUrl: string; token: string; fallbackNumber: string | null }): string {
  const vr = new VoiceResponse();
  const stream = vr.connect().stream({ url: opts.streamUrl });
  // Parameters are child elements; passing them as an attribute loses them silently.
  stream.parameter({ name: "token", value: opts.token });
  if (opts.fallbackNumber) {
    vr.say("Sorry, let me put you through to someone.");
    vr.dial(opts.fallbackNumber);
  } else {
    vr.say(STREAM_LOST);
    vr.hangup();
  }
  return vr.toString();
}

export function sayAndEndTwiml(message: string, fallbackNumber: string | null = null): string {
  const vr = new VoiceResponse();
  vr.say(message);
  if (fallbackNumber) vr.dial(fallbackNumber);
  else vr.hangup();
  return vr.toString();
}
