// The call's connection to the model across drops. A ModelSocket to the session; underneath,
// when the socket to OpenAI closes under a live call (or never opens), it reconnects with
// backoff, brings the new session up to date with what `restore()` returns (the session
// setup, the conversation so far, a response still owed to the caller) and then sends the
// caller's audio that arrived meanwhile, all of it and in order. Once a drop has cost every
// attempt, or the call has dropped too often, it reports the link lost through onClose so
// the session can apologise and hang up — the caller is never left in silence.
import type { Logger } from "@frontdesk/core/observability/logger";
import type { ModelClose, ModelSocket } from "./socket.ts";
import { appendFrame } from "./events.ts";

export type ReconnectOutcome = "restored" | "attempt_failed" | "gave_up";

export interface ModelLinkOptions {
  /** The socket opened for the call (usually while Twilio was still connecting the stream). */
  first: ModelSocket;
  /** Opens a fresh socket to the model. */
  connect: () => ModelSocket;
  /** What a fresh socket is sent before anything else. */
  restore: () => string[];
  logger: Logger;
  /** Wait before each attempt after a drop; its length is the number of attempts per drop. */
  backoffMs?: readonly number[];
  /** Drops a call survives; the next one ends it. */
  maxDrops?: number;
  /** Caller audio kept while no model is listening (bytes of JSON). */
  maxGapBytes?: number;
  onReconnect?: (outcome: ReconnectOutcome) => void;
}

const APPEND = '{"type":"input_audio_buffer.append"';
export const DEFAULT_BACKOFF_MS = [250, 750, 1500] as const;

type State = "connecting" | "live" | "waiting" | "lost" | "closed";

export class ModelLink implements ModelSocket {
  private socket: ModelSocket;
  private state: State = "connecting";
  /** Set from a drop until a new socket answers. */
  private restoring = false;
  private drops = 0;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Caller audio not yet known to have reached a working model session. */
  private gap: (string | Buffer)[] = [];
  private gapBytes = 0;
  private onMessageFn: ((data: Buffer) => void) | undefined;
  private early: Buffer[] = [];
  private onCloseFn: ((info: ModelClose) => void) | undefined;
  private lostInfo: ModelClose | undefined;
  private onDroppedFn: (() => void) | undefined;
  private onRestoredFn: (() => void) | undefined;
  private readonly backoffMs: readonly number[];
  private readonly maxDrops: number;
  private readonly maxGapBytes: number;

  constructor(private readonly opts: ModelLinkOptions) {
    this.backoffMs = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.maxDrops = opts.maxDrops ?? 3;
    this.maxGapBytes = opts.maxGapBytes ?? 4_000_000;
    this.socket = opts.first;
    this.attach(opts.first);
  }

  get isOpen(): boolean {
    return this.state === "live" && this.socket.isOpen;
  }
  get connectMs(): number | undefined {
    return this.opts.first.connectMs;
  }
  /** A model session is answering (false while reconnecting). */
  get live(): boolean {
    return this.state === "live";
  }

  sendAudio(b64: Buffer): void {
    if (this.state === "live" && this.socket.isOpen) return this.socket.sendAudio(b64);
    if (this.state === "lost" || this.state === "closed") return;
    const frame = appendFrame(b64);
    this.keep(frame);
    if (this.state === "connecting") this.socket.send(frame);
  }

  send(message: string | Buffer): void {
    if (this.state === "live" && this.socket.isOpen) return this.socket.send(message);
    if (this.state === "lost" || this.state === "closed") return;
    if (typeof message === "string" && message.startsWith(APPEND)) {
      this.keep(message);
      if (this.state === "connecting") this.socket.send(message);
      return;
    }
    // While restoring, anything else refers to the conversation that was lost with the old
    // socket; the restored session gets the conversation from `restore()` instead.
    if (this.state === "connecting" && !this.restoring) this.socket.send(message);
  }

  onMessage(fn: (data: Buffer) => void): void {
    this.onMessageFn = fn;
    const replay = this.early;
    this.early = [];
    for (const d of replay) fn(d);
  }
  onClose(fn: (info: ModelClose) => void): void {
    this.onCloseFn = fn;
    if (this.lostInfo) fn(this.lostInfo);
  }
  /** The socket dropped: the conversation in flight is gone; a new one is being set up. */
  onDropped(fn: () => void): void {
    this.onDroppedFn = fn;
  }
  /** A new socket answers, restored and with the caller's audio from the gap. */
  onRestored(fn: () => void): void {
    this.onRestoredFn = fn;
  }

  close(): void {
    this.state = "closed";
    clearTimeout(this.timer);
    this.gap = [];
    this.socket.close();
  }

  private keep(message: string | Buffer) {
    this.gap.push(message);
    this.gapBytes += message.length;
    while (this.gapBytes > this.maxGapBytes && this.gap.length > 1) this.gapBytes -= this.gap.shift()!.length;
  }

  private attach(s: ModelSocket) {
    s.onMessage((data) => {
      if (s !== this.socket || this.state === "closed" || this.state === "lost") return;
      if (this.state !== "live") this.answered();
      if (this.onMessageFn) this.onMessageFn(data);
      else this.early.push(data);
    });
    s.onClose((info) => {
      if (s !== this.socket || info.byUs) return;
      this.closed(info);
    });
  }

  /** The current socket spoke: it is a working session. */
  private answered() {
    this.state = "live";
    this.gap = [];
    this.gapBytes = 0;
    if (!this.restoring) return;
    this.restoring = false;
    this.attempt = 0;
    this.opts.logger.info({ drops: this.drops }, "model connection restored");
    this.opts.onReconnect?.("restored");
    this.onRestoredFn?.();
  }

  private closed(info: ModelClose) {
    if (this.state === "closed" || this.state === "lost") return;
    if (!this.restoring) {
      this.drops++;
      this.restoring = true;
      this.attempt = 0;
      this.opts.logger.warn({ code: info.code, reason: info.reason, wasOpen: info.wasOpen, drops: this.drops }, "model socket dropped mid-call; reconnecting");
      this.onDroppedFn?.();
      if (this.drops > this.maxDrops) return this.giveUp(info);
    } else {
      this.opts.onReconnect?.("attempt_failed");
    }
    if (this.attempt >= this.backoffMs.length) return this.giveUp(info);
    this.state = "waiting";
    this.timer = setTimeout(() => this.reopen(), this.backoffMs[this.attempt++]);
  }

  private reopen() {
    if (this.state !== "waiting") return;
    const s = this.opts.connect();
    this.socket = s;
    this.state = "connecting";
    for (const m of this.opts.restore()) s.send(m);
    for (const m of this.gap) s.send(m);
    this.attach(s);
  }

  private giveUp(info: ModelClose) {
    this.state = "lost";
    this.gap = [];
    this.opts.logger.error({ drops: this.drops, attempts: this.attempt, code: info.code }, "model unreachable; giving up on the call");
    this.opts.onReconnect?.("gave_up");
    this.lostInfo = { ...info, byUs: false };
    this.onCloseFn?.(this.lostInfo);
  }
}
