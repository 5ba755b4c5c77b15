// Reads OpenAI Realtime server events. Audio deltas are most of the traffic (dozens a
// second per call), so they are picked out of the raw frame with a few byte searches
// instead of a JSON.parse; everything else is parsed normally.
import { Field, startsWith } from "../json-scan.ts";
import { textFrame } from "../ws-frames.ts";

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
  frame.set(APPEND_HEAD, 0);
  frame.set(b64, APPEND_HEAD.length);
  frame.set(APPEND_TAIL, APPEND_HEAD.length + b64.length);
  return frame;
}

/** appendFrame as a whole client WebSocket frame, for writing straight to the socket. */
export function appendWsFrame(b64: Buffer): Buffer {
  return textFrame(APPEND_HEAD, b64, APPEND_TAIL, true);
}

const GA_DELTA = Buffer.from('"type":"response.output_audio.delta"');
const BETA_DELTA = Buffer.from('"type":"response.audio.delta"');
/** How OpenAI's deltas begin; checked in place before searching the whole frame. */
const GA_DELTA_START = Buffer.from('{"type":"response.output_audio.delta"');
const RESPONSE_ID = Buffer.from('"response_id":"');
const ITEM_ID = Buffer.from('"item_id":"');
const DELTA = Buffer.from('"delta":"');

/**
 * Reads audio deltas out of one model socket's frames. A call's deltas repeat the same
 * response and item ids for seconds at a time: those strings are made once, not per frame.
 */
export class AudioDeltaReader {
  private readonly deltas = new Field(DELTA);
  private readonly responseIds = new Field(RESPONSE_ID);
  private readonly itemIds = new Field(ITEM_ID);

  /** The audio delta in `data`, or null when `data` is some other event (or unusual JSON). */
  read(data: Buffer): AudioDelta | null {
    if (!startsWith(data, GA_DELTA_START) && data.indexOf(GA_DELTA) === -1 && data.indexOf(BETA_DELTA) === -1) return null;
    const delta = this.deltas.bytes(data);
    if (delta === undefined) return null;
    const responseId = this.responseIds.recurring(data);
    const itemId = this.itemIds.recurring(data);
    if (responseId === undefined || itemId === undefined) return null;
    return { responseId, itemId, delta };
  }
}

/** The audio delta in `data`, or null when `data` is some other event (or unusual JSON). */
export function readAudioDelta(data: Buffer): AudioDelta | null {
  return new AudioDeltaReader().read(data);
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
