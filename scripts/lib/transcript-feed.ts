// Follows one call's transcript on the relay (GET /simulator/calls/:callSid/events, signed
// like a Twilio webhook) and hands each event to `onEvent` until the call ends.
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks.js";

export interface FeedEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface TranscriptFeed {
  /** Resolves when the feed ends (the call ended, or `close()`). */
  done: Promise<void>;
  close(): void;
}

export async function followTranscript(opts: {
  relayUrl: string;
  publicBaseUrl: string;
  authToken: string;
  callSid: string;
  onEvent: (e: FeedEvent) => void;
}): Promise<TranscriptFeed> {
  const path = `/simulator/calls/${opts.callSid}/events`;
  const aborter = new AbortController();
  const res = await fetch(opts.relayUrl + path, {
    headers: { "x-twilio-signature": getExpectedTwilioSignature(opts.authToken, opts.publicBaseUrl + path, {}), accept: "text/event-stream" },
    signal: aborter.signal,
  });
  if (!res.ok || !res.body) throw new Error(`the relay refused the transcript feed: ${res.status} ${await res.text().catch(() => "")}`.trim());
  const read = async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf("\n\n")) !== -1) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (data) opts.onEvent(JSON.parse(data) as FeedEvent);
        }
      }
    } catch (err) {
      if (!aborter.signal.aborted) throw err;
    }
  };
  return { done: read(), close: () => aborter.abort() };
}
