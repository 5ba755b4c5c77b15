// The call's WebSocket to OpenAI Realtime. Opened as early as possible (while Twilio is
// still connecting the stream); everything sent before it is open — the session setup and
// the caller's first words — is queued and sent, in order, the moment it opens.
import WebSocket from "ws";
import type { Logger } from "@frontdesk/core/observability/logger";
import { appendFrame, appendWsFrame } from "./events.ts";
import { rawSocket } from "../ws-frames.ts";

export interface ModelSocketOptions {
  url: string;
  model: string;
  apiKey: string;
  logger: Logger;
  connectTimeoutMs?: number;
  /** Upper bound on what is queued while connecting (bytes of JSON). */
  maxQueuedBytes?: number;
}

export interface ModelClose {
  code: number;
  reason: string;
  /** The socket had opened: a drop mid-call rather than a failure to connect. */
  wasOpen: boolean;
  /** We closed it. */
  byUs: boolean;
}

export interface ModelSocket {
  /** A client event as JSON text (a Buffer: its UTF-8 bytes, sent as a text frame). */
  send(message: string | Buffer): void;
  /** The caller's audio (base64 μ-law, as bytes) as an `input_audio_buffer.append`. */
  sendAudio(b64: Buffer): void;
  onMessage(fn: (data: Buffer) => void): void;
  onClose(fn: (info: ModelClose) => void): void;
  readonly isOpen: boolean;
  /** ms from creation to open, once open. */
  readonly connectMs: number | undefined;
  close(): void;
}

/** Every client event is JSON, so a Buffer goes as a text frame too. */
const TEXT = { binary: false } as const;

export function realtimeUrl(base: string, model: string): string {
  const u = new URL(base);
  if (!u.searchParams.has("model")) u.searchParams.set("model", model);
  return u.toString();
}

export function connectModel(opts: ModelSocketOptions): ModelSocket {
  const createdAt = performance.now();
  const maxQueued = opts.maxQueuedBytes ?? 2_000_000;
  const ws = new WebSocket(realtimeUrl(opts.url, opts.model), {
    headers: { Authorization: `Bearer ${opts.apiKey}` },
    perMessageDeflate: false,
    skipUTF8Validation: true,
    handshakeTimeout: opts.connectTimeoutMs ?? 10_000,
  });
  let queue: (string | Buffer)[] = [];
  let queuedBytes = 0;
  let overflowLogged = false;
  let onMessage: ((data: Buffer) => void) | undefined;
  let early: Buffer[] = [];
  let onClose: ((info: ModelClose) => void) | undefined;
  let closeInfo: ModelClose | undefined;
  let wasOpen = false;
  let byUs = false;
  let connectMs: number | undefined;
  /** The open socket, for caller audio written as whole frames (see ws-frames.ts). */
  let raw: ReturnType<typeof rawSocket>;

  ws.on("open", () => {
    wasOpen = true;
    raw = rawSocket(ws);
    connectMs = Math.round(performance.now() - createdAt);
    const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    socket?.cork();
    for (const m of queue) ws.send(m, TEXT);
    socket?.uncork();
    queue = [];
    queuedBytes = 0;
  });
  ws.on("message", (data: Buffer) => {
    if (onMessage) onMessage(data);
    else early.push(data);
  });
  ws.on("error", (err) => {
    if (!byUs) opts.logger.warn({ err: err.message }, "model socket error");
  });
  ws.on("unexpected-response", (_req, res) => {
    opts.logger.warn({ status: res.statusCode }, "model socket refused");
    ws.terminate();
  });
  ws.on("close", (code, reason) => {
    closeInfo = { code, reason: reason.toString(), wasOpen, byUs };
    onClose?.(closeInfo);
  });

  return {
    send(message) {
      if (ws.readyState === WebSocket.OPEN) return ws.send(message, TEXT);
      if (ws.readyState !== WebSocket.CONNECTING) return;
      if (queuedBytes + message.length > maxQueued) {
        if (!overflowLogged) opts.logger.warn({ queuedBytes }, "model still connecting: dropping audio past the queue limit");
        overflowLogged = true;
        return;
      }
      queue.push(message);
      queuedBytes += message.length;
    },
    sendAudio(b64) {
      if (raw !== undefined && ws.readyState === WebSocket.OPEN) raw.write(appendWsFrame(b64));
      else this.send(appendFrame(b64));
    },
    onMessage(fn) {
      onMessage = fn;
      const replay = early;
      early = [];
      for (const d of replay) fn(d);
    },
    onClose(fn) {
      onClose = fn;
      if (closeInfo) fn(closeInfo);
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    get connectMs() {
      return connectMs;
    },
    close() {
      byUs = true;
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    },
  };
}
