// Twilio Media Streams as a CallTransport: Twilio's framing (events, streamSid, marks,
// clear) stays here. Media and mark frames — nearly all the traffic — are read with byte
// searches instead of JSON.parse, outgoing frames are built from prefixes, and a media
// frame and its mark leave in one write.
import WebSocket from "ws";
import type { Logger } from "@frontdesk/core/observability/logger";
import { dialTwiml, hangUpTwiml, sayAndEndTwiml, type TwilioCalls } from "@frontdesk/core/telephony/twilio-calls";
import type { CallTransport, TransportEndReason } from "./transport.ts";
import type { StreamExits } from "./stream-exits.ts";
import { Field, startsWith } from "../json-scan.ts";
import { frameHeaderBytes, rawSocket, writeFrameHeader } from "../ws-frames.ts";

export interface TwilioStart {
  streamSid: string;
  callSid: string;
  accountSid: string;
  customParameters: Record<string, string>;
}

const MEDIA_EVENT = Buffer.from('"event":"media"');
const MARK_EVENT = Buffer.from('"event":"mark"');
/** How Twilio's frames begin; checked in place before searching the whole frame. */
const MEDIA_START = Buffer.from('{"event":"media"');
const MARK_START = Buffer.from('{"event":"mark"');

const PAYLOAD = Buffer.from('"payload":"');
const NAME = Buffer.from('"name":"');
/** Caller audio kept while the session is being set up (~10 s of 20 ms frames). */
const MAX_EARLY_FRAMES = 500;

const MEDIA_TAIL = Buffer.from('"}}');

export class TwilioTransport implements CallTransport {
  readonly kind = "twilio" as const;
  readonly started: Promise<TwilioStart>;
  start: TwilioStart | undefined;
  private resolveStart!: (s: TwilioStart) => void;
  private rejectStart!: (e: Error) => void;
  private mediaPrefix = "";
  private mediaHead = Buffer.alloc(0);
  private markPrefix = "";
  private markHead = Buffer.alloc(0);
  private readonly payloads = new Field(PAYLOAD);
  private readonly markNames = new Field(NAME);
  private clearMessage = "";
  private onAudioFn: ((b64: Buffer) => void) | undefined;
  private earlyAudio: Buffer[] = [];
  private onMarkFn: ((name: string) => void) | undefined;
  private onDtmfFn: ((digit: string) => void) | undefined;
  private onEndFn: ((reason: TransportEndReason) => void) | undefined;
  private endReason: TransportEndReason | undefined;
  /** The open socket, for agent audio written as whole frames (see ws-frames.ts). */
  private raw: ReturnType<typeof rawSocket>;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: {
      logger: Logger;
      rest?: Pick<TwilioCalls, "configured" | "hangUp" | "redirect">;
      /** Where the call's next TwiML is left for the stream's <Connect> action. */
      exits?: StreamExits;
      startTimeoutMs?: number;
    },
  ) {
    this.started = new Promise((resolve, reject) => {
      this.resolveStart = resolve;
      this.rejectStart = reject;
    });
    this.started.catch(() => {});
    const timer = setTimeout(() => this.rejectStart(new Error("no start event")), opts.startTimeoutMs ?? 10_000);
    this.started.finally(() => clearTimeout(timer)).catch(() => {});
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.onMessage(data);
    });
    ws.on("close", () => {
      this.rejectStart(new Error("stream closed before start"));
      this.ended("stream_closed");
    });
    ws.on("error", (err) => opts.logger.warn({ err: err.message }, "twilio stream error"));
  }

  sendAudio(payload: string | Buffer, mark?: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (typeof payload !== "string" && this.raw !== undefined) return void this.raw.write(this.mediaFrames(payload, mark));
    this.ws.send(typeof payload === "string" ? this.mediaPrefix + payload + '"}}' : this.mediaPrefix + payload.toString("latin1") + '"}}');
    if (mark !== undefined) this.ws.send(this.markPrefix + mark + '"}}');
  }

  /**
   * The media message, and its mark after it, as WebSocket frames in one buffer: one
   * allocation, one write, the payload's bytes copied once.
   */
  private mediaFrames(payload: Buffer, mark: string | undefined): Buffer {
    const head = this.mediaHead;
    const media = head.length + payload.length + MEDIA_TAIL.length;
    const marked = mark === undefined ? 0 : this.markHead.length + mark.length + MEDIA_TAIL.length;
    const frame = Buffer.allocUnsafe(frameHeaderBytes(media, false) + media + (marked ? frameHeaderBytes(marked, false) + marked : 0));
    let at = writeFrameHeader(frame, 0, media, false);
    frame.set(head, at);
    frame.set(payload, (at += head.length));
    frame.set(MEDIA_TAIL, (at += payload.length));
    at += MEDIA_TAIL.length;
    if (mark === undefined) return frame;
    at = writeFrameHeader(frame, at, marked, false);
    frame.set(this.markHead, at);
    at += this.markHead.length;
    at += frame.write(mark, at, "latin1"); // mark names are ASCII: one byte a character
    frame.set(MEDIA_TAIL, at);
    return frame;
  }
  mark(name: string): void {
    this.send(this.markPrefix + name + '"}}');
  }
  clearAudio(): void {
    this.send(this.clearMessage);
  }
  onAudio(fn: (b64: Buffer) => void): void {
    this.onAudioFn = fn;
    const early = this.earlyAudio;
    this.earlyAudio = [];
    for (const b64 of early) fn(b64);
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

  /** A transfer can be carried out: by the REST API, or by the stream's action once it ends. */
  get canTransfer(): boolean {
    return Boolean(this.opts.exits || this.opts.rest?.configured);
  }

  async hangUp(): Promise<void> {
    await this.leave(hangUpTwiml(), (rest, callSid) => rest.hangUp(callSid));
    this.close(1000, "hang up");
  }

  async transfer(toE164: string): Promise<void> {
    const twiml = dialTwiml(toE164);
    if (!this.canTransfer) throw new Error("transferring needs Twilio REST credentials (TWILIO_ACCOUNT_SID) or the stream's action");
    await this.leave(twiml, (rest, callSid) => rest.redirect(callSid, twiml));
    this.close(1000, "transferred");
  }

  async endWithMessage(message: string, thenDial: string | null = null): Promise<void> {
    const twiml = sayAndEndTwiml(message, thenDial);
    try {
      await this.leave(twiml, (rest, callSid) => rest.redirect(callSid, twiml));
    } finally {
      // Closing the stream ends <Connect>: its action plays what was left, or the apology.
      this.close(1000, "ended with a message");
    }
  }

  /**
   * Says what the call does once its stream ends: first left for the stream's action (so it
   * happens however the stream ends), then through the REST API when there is one. A REST
   * refusal is no failure while the action can still carry it out.
   */
  private async leave(twiml: string, viaRest: (rest: Pick<TwilioCalls, "hangUp" | "redirect">, callSid: string) => Promise<void>) {
    const callSid = this.start?.callSid;
    if (!callSid) return;
    const { exits, rest } = this.opts;
    if (exits) await exits.leave(callSid, twiml);
    if (!rest?.configured) return;
    try {
      await viaRest(rest, callSid);
    } catch (err) {
      if (!exits) throw err;
      this.opts.logger.warn({ err }, "Twilio REST refused; the stream's action carries the call on");
    }
  }

  close(code = 1000, reason = ""): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason.slice(0, 120));
  }

  private send(message: string) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(message);
  }

  private ended(reason: TransportEndReason) {
    if (this.endReason) return;
    this.endReason = reason;
    this.onEndFn?.(reason);
  }

  private onMessage(data: Buffer) {
    if (startsWith(data, MEDIA_START) || (!startsWith(data, MARK_START) && data.indexOf(MEDIA_EVENT) !== -1)) {
      const payload = this.payloads.bytes(data);
      if (payload !== undefined) return this.onMedia(payload);
    } else if (data.indexOf(MARK_EVENT) !== -1) {
      const name = this.markNames.string(data);
      if (name !== undefined) return this.onMarkFn?.(name);
    }
    let msg: { event?: string; [k: string]: any };
    try {
      msg = JSON.parse(data.toString("utf8"));
    } catch {
      return this.opts.logger.warn("twilio stream: unreadable frame");
    }
    // `null`, a number or a string is valid JSON too: reading `.event` of null would throw
    // out of the socket's handler and take the whole relay down.
    if (typeof msg !== "object" || msg === null) return this.opts.logger.warn("twilio stream: unreadable frame");
    switch (msg.event) {
      case "start":
        return this.onStart(msg as { streamSid?: string; start?: Record<string, any> });
      case "media":
        if (typeof msg.media?.payload === "string") this.onMedia(Buffer.from(msg.media.payload, "latin1"));
        return;
      case "mark":
        if (typeof msg.mark?.name === "string") this.onMarkFn?.(msg.mark.name);
        return;
      case "dtmf":
        if (typeof msg.dtmf?.digit === "string") this.onDtmfFn?.(msg.dtmf.digit);
        return;
      case "stop":
        this.ended("caller_hangup");
        return this.close(1000, "stop");
      default:
        return; // connected, and events we do not use
    }
  }

  private onMedia(payload: Buffer) {
    if (this.onAudioFn) this.onAudioFn(payload);
    // A copy: the view would keep the socket's whole read buffer alive.
    else if (this.start && this.earlyAudio.length < MAX_EARLY_FRAMES) this.earlyAudio.push(Buffer.from(payload));
  }

  private onStart(msg: { streamSid?: string; start?: Record<string, any> }) {
    if (this.start) return;
    const s = msg.start ?? {};
    const streamSid = String(s.streamSid ?? msg.streamSid ?? "");
    if (!/^MZ[0-9a-zA-Z]{8,64}$/.test(streamSid)) return this.rejectStart(new Error("start without a valid streamSid"));
    const customParameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.customParameters ?? {})) if (typeof v === "string") customParameters[k] = v;
    this.start = { streamSid, callSid: String(s.callSid ?? ""), accountSid: String(s.accountSid ?? ""), customParameters };
    this.mediaPrefix = `{"event":"media","streamSid":"${streamSid}","media":{"payload":"`;
    this.mediaHead = Buffer.from(this.mediaPrefix);
    this.markPrefix = `{"event":"mark","streamSid":"${streamSid}","mark":{"name":"`;
    this.markHead = Buffer.from(this.markPrefix);
    this.raw = rawSocket(this.ws);
    this.clearMessage = `{"event":"clear","streamSid":"${streamSid}"}`;
    this.resolveStart(this.start);
  }
}
