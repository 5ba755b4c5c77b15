// Reads OpenAI Realtime server events. Audio deltas are most of the traffic (dozens a
// second per call), so they are picked out of the raw frame with a few byte searches
// instead of a JSON.parse; everything else is parsed normally.
import { bytesAt, stringAt } from "../json-scan.ts";

export interface AudioDelta {
  responseId: string;
  itemId: string;
  /** base64 μ-law as bytes (a view of the frame), passed to the caller untouched. */
  delta: Buffer;
}

export type ServerEvent = { type: string; [key: string]: any };

const APPEND_HEAD = Buffer.from('{"type":"input_audio_buffer.append","audio":"');
const APPEND_TAIL = Buffer.from('"}');

/**
 * `input_audio_buffer.append` for the caller's audio, built from its base64 bytes as they
 * arrived (one allocation, no strings): the payload passes through untouched.
 */
export function appendFrame(b64: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(APPEND_HEAD.length + b64.length + APPEND_TAIL.length);
  APPEND_HEAD.copy(frame, 0);
  b64.copy(frame, APPEND_HEAD.length);
  APPEND_TAIL.copy(frame, APPEND_HEAD.length + b64.length);
  return frame;
}

const GA_DELTA = Buffer.from('"type":"response.output_audio.delta"');
const BETA_DELTA = Buffer.from('"type":"response.audio.delta"');
const RESPONSE_ID = Buffer.from('"response_id":"');
const ITEM_ID = Buffer.from('"item_id":"');
const DELTA = Buffer.from('"delta":"');
/** The audio delta in `data`, or null when `data` is some other event (or unusual JSON). */
export function readAudioDelta(data: Buffer): AudioDelta | null {
  if (data.indexOf(GA_DELTA) === -1 && data.indexOf(BETA_DELTA) === -1) return null;
  const delta = bytesAt(data, DELTA);
  const responseId = stringAt(data, RESPONSE_ID);
  const itemId = stringAt(data, ITEM_ID);
  if (delta === undefined || responseId === undefined || itemId === undefined) return null;
  return { responseId, itemId, delta };
}

export function parseServerEvent(data: Buffer | string): ServerEvent | null {
  try {
    const e = JSON.parse(typeof data === "string" ? data : data.toString("utf8")) as unknown;
    return typeof e === "object" && e !== null && typeof (e as ServerEvent).type === "string" ? (e as ServerEvent) : null;
  } catch {
    return null;
  }
}

/** Beta event names still seen on some deployments, mapped to the GA ones. */
export const BETA_EVENT_NAMES: Record<string, string> = {
  "response.audio.delta": "response.output_audio.delta",
  "response.audio.done": "response.output_audio.done",
  "response.audio_transcript.delta": "response.output_audio_transcript.delta",
  "response.audio_transcript.done": "response.output_audio_transcript.done",
  "response.text.delta": "response.output_text.delta",
  "response.text.done": "response.output_text.done",
  "conversation.item.created": "conversation.item.added",
};
