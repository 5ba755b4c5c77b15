// The dashboard's test call as a CallTransport: the same 8 kHz μ-law audio as a phone call,
// over a plain WebSocket, as JSON ({type:"audio",audio:<base64>}) or as binary frames.
// The browser echoes marks when it has played the audio before them, like Twilio does.
import WebSocket from "ws";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { CallTransport, TransportEndReason } from "./transport.ts";

export type BrowserAudioFormat = "json" | "binary";

export class BrowserTransport implements CallTransport {
  readonly kind = "browser" as const;
  /** The browser is told where the caller would have been put through. */
  readonly canTransfer = true;
  private onAudioFn: ((b64: Buffer) => void) | undefined;
  private early: Buffer[] = [];
  private onMarkFn: ((name: string) => void) | undefined;
  private onDtmfFn: ((digit: string) => void) | undefined;
  private onEndFn: ((reason: TransportEndReason) => void) | undefined;
  private endReason: TransportEndReason | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: { logger: Logger; format: BrowserAudioFormat },
  ) {
    ws.on("message", (data: Buffer, isBinary: boolean) => (isBinary ? this.audio(Buffer.from(data.toString("base64"), "latin1")) : this.onText(data)));
    ws.on("close", () => this.ended("stream_closed"));
    ws.on("error", (err) => opts.logger.warn({ err: err.message }, "browser stream error"));
  }

  /** Tells the browser the call is up. */
  ready(info: { callId: string }) {
    this.sendJson({ type: "ready", callId: info.callId, format: this.opts.format, sampleRate: 8000, encoding: "mulaw" });
  }

  sendAudio(payload: string | Buffer, mark?: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const payloadB64 = typeof payload === "string" ? payload : payload.toString("latin1");
    if (this.opts.format === "binary") this.ws.send(Buffer.from(payloadB64, "base64"), { binary: true });
    else this.ws.send(`{"type":"audio","audio":"${payloadB64}"}`);
    if (mark !== undefined) this.mark(mark);
  }
  mark(name: string): void {
    this.sendJson({ type: "mark", name });
  }
  clearAudio(): void {
    this.sendJson({ type: "clear" });
  }
  onAudio(fn: (b64: Buffer) => void): void {
    this.onAudioFn = fn;
    for (const b64 of this.early.splice(0)) fn(b64);
  }
  onMarkPlayed(fn: (name: string) => void): void {
    this.onMarkFn = fn;
  }
  onDtmf(fn: (digit: string) => void): void {
    this.onDtmfFn = fn;
  }
  onEnd(fn: (reason: TransportEndReason) => void): void {
    this.onEndFn = fn;
    if (this.endReason) fn(this.endReason);
  }
  async hangUp(): Promise<void> {
    this.sendJson({ type: "hangup" });
    this.close(1000, "hang up");
  }
  async transfer(toE164: string): Promise<void> {
    // A browser cannot be bridged to a phone: say where the caller would have gone.
    this.sendJson({ type: "transfer", to: toE164 });
    this.close(1000, "transferred");
  }
  async endWithMessage(message: string): Promise<void> {
    this.sendJson({ type: "hangup", message });
    this.close(1000, "ended with a message");
  }
  close(code = 1000, reason = ""): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason.slice(0, 120));
  }
  sendError(message: string) {
    this.sendJson({ type: "error", message });
  }

  private sendJson(msg: Record<string, unknown>) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private audio(b64: Buffer) {
    if (this.onAudioFn) this.onAudioFn(b64);
    else if (this.early.length < 500) this.early.push(b64);
  }

  private onText(data: Buffer) {
    let msg: { type?: unknown; audio?: unknown; name?: unknown; digit?: unknown };
    try {
      msg = JSON.parse(data.toString("utf8"));
    } catch {
      return this.sendError("messages must be JSON");
    }
    // `null` is valid JSON too: reading `.type` of it would throw out of the socket's handler.
    if (typeof msg !== "object" || msg === null) return this.sendError("messages must be JSON objects");
    switch (msg.type) {
      case "audio":
        if (typeof msg.audio === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(msg.audio)) this.audio(Buffer.from(msg.audio, "latin1"));
        else this.sendError("audio must be base64 μ-law");
        return;
      case "mark":
        if (typeof msg.name === "string") this.onMarkFn?.(msg.name);
        return;
      case "dtmf":
        if (typeof msg.digit === "string" && /^[0-9*#]$/.test(msg.digit)) this.onDtmfFn?.(msg.digit);
        return;
      case "stop":
        this.ended("caller_hangup");
        return this.close(1000, "stop");
      default:
        return this.sendError("unknown message type");
    }
  }

  private ended(reason: TransportEndReason) {
    if (this.endReason) return;
    this.endReason = reason;
    this.onEndFn?.(reason);
  }
}
