// The relay's per-frame WebSocket writes — caller audio to the model, agent audio (and its
// mark) to Twilio — built as whole text frames in one buffer and written straight to the
// socket. ws's sender, per message, allocates an options object and a header buffer, corks
// the socket for a two-buffer writev and, as a client, masks the payload into another copy;
// at dozens of messages a second per call that is a good part of the relay's work.
//
// Only for open sockets without extensions (no compression: the relay negotiates none), so
// ws's sender never holds a queue these writes could overtake; ws still reads, answers
// pings, closes, and sends everything else. Client frames are masked as RFC 6455 requires,
// with a fresh random key each (taken from a pooled block of random bytes, as ws does), in
// place in the frame's own buffer: no second copy.
import { randomFillSync } from "node:crypto";
import WebSocket from "ws";

const OPCODE_TEXT_FIN = 0x81;
const MASK_BIT = 0x80;

type RawSocket = { write(data: Buffer): boolean };

/** The socket under an open, extension-free `ws`, or undefined (then use ws.send). */
export function rawSocket(ws: WebSocket): RawSocket | undefined {
  if (ws.readyState !== WebSocket.OPEN || ws.extensions !== "") return undefined;
  return (ws as unknown as { _socket?: RawSocket })._socket;
}

/** Bytes a text frame's header takes for a payload of `length` bytes. */
export function frameHeaderBytes(length: number, masked: boolean): number {
  return (length < 126 ? 2 : length < 65_536 ? 4 : 10) + (masked ? 4 : 0);
}

/** Writes a final text frame's header for `length` payload bytes at `at`; returns where the payload goes. */
export function writeFrameHeader(frame: Buffer, at: number, length: number, masked: boolean): number {
  frame[at] = OPCODE_TEXT_FIN;
  const mask = masked ? MASK_BIT : 0;
  if (length < 126) {
    frame[at + 1] = mask | length;
    at += 2;
  } else if (length < 65_536) {
    frame[at + 1] = mask | 126;
    frame[at + 2] = length >>> 8;
    frame[at + 3] = length & 0xff;
    at += 4;
  } else {
    frame[at + 1] = mask | 127;
    frame.writeUInt32BE(0, at + 2);
    frame.writeUInt32BE(length, at + 6);
    at += 10;
  }
  if (masked) {
    nextMaskingKey(frame, at);
    at += 4;
  }
  return at;
}

// Masking keys come from one block of random bytes refilled when used up: one randomFill per
// 2,048 frames instead of one per frame.
const keys = Buffer.alloc(8192);
let keyAt = keys.length;
function nextMaskingKey(frame: Buffer, at: number): void {
  if (keyAt === keys.length) {
    randomFillSync(keys);
    keyAt = 0;
  }
  keys.copy(frame, at, keyAt, keyAt + 4);
  keyAt += 4;
}

/** XORs `length` payload bytes at `at` with the 4-byte masking key just before them. */
function maskInPlace(frame: Buffer, at: number, length: number): void {
  const key = at - 4;
  for (let i = 0; i < length; i++) frame[at + i] = frame[at + i]! ^ frame[key + (i & 3)]!;
}

/**
 * One text frame holding `head`, `body` and `tail` (JSON in three pieces, e.g. a fixed prefix,
 * the base64 audio and the closing braces), in a single allocation.
 */
export function textFrame(head: Buffer, body: Buffer, tail: Buffer, masked: boolean): Buffer {
  const length = head.length + body.length + tail.length;
  const frame = Buffer.allocUnsafe(frameHeaderBytes(length, masked) + length);
  const payloadAt = writeFrameHeader(frame, 0, length, masked);
  let at = payloadAt;
  frame.set(head, at);
  at += head.length;
  frame.set(body, at);
  at += body.length;
  frame.set(tail, at);
  if (masked) maskInPlace(frame, payloadAt, length);
  return frame;
}
