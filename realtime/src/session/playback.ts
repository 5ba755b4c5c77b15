// Agent audio on its way to the caller. While the caller's phone has plenty queued (by its
// echoed marks and by the clock) the model's small, irregular deltas are held briefly and
// sent as chunks of up to ~100 ms, which nobody can hear; audio the caller is waiting for
// goes at once. Marks the audio as it goes,
// learns from echoed marks what the caller has heard, and on a barge-in says exactly how far
// each unfinished item got — never more than was sent. Per-item state starts from zero for
// every item, so the tenth interruption is as exact as the first.

/** Base64 μ-law: a string, or its bytes (a view of the model's frame, passed on without a copy). */
export type Base64 = string | Buffer;

export interface PlaybackSink {
  sendAudio(payloadB64: Base64, mark?: string): void;
  mark(name: string): void;
  clearAudio(): void;
}

export interface ItemHeard {
  itemId: string;
  responseId: string;
  /** What the caller heard (for a barge-in: the truncation point sent to the model). */
  heardMs: number;
  sentMs: number;
  producedMs: number;
  interrupted: boolean;
  /** Clock time the item's first audio went to the caller (undefined: none did). */
  firstSentAt: number | undefined;
}

export interface PlaybackOptions {
  clock?: () => number;
  /** Largest chunk of audio in one message. */
  maxChunkMs?: number;
  /**
   * Audio is held back to build a bigger chunk only while the phone has at least this much
   * unplayed (sent minus echoed, so an over-estimate): enough to cover the network's delay
   * and a late mark. The model runs ahead of real time, so most of a reply goes this way.
   */
  holdWhileQueuedMs?: number;
  /** ... and for no longer than this. */
  maxHoldMs?: number;
  /**
   * Marks are never more than this much audio (ms) apart, and the last chunk of an item is
   * always marked. Marks bound how precisely a barge-in knows what was heard (to within one
   * interval), and each one costs a message both ways.
   */
  markEveryMs?: number;
  /** Slack granted past the last echoed mark on a barge-in: the frame playing at the time. */
  frameMs?: number;
}

interface ItemState {
  no: number;
  itemId: string;
  responseId: string;
  producedBytes: number;
  sentBytes: number;
  markedBytes: number;
  ackedBytes: number;
  audioDone: boolean;
  firstSentAt: number | undefined;
}

const BYTES_PER_MS = 8;

/** Decoded length of base64 text. */
export function base64Bytes(b64: Base64): number {
  const len = b64.length;
  if (len === 0) return 0;
  const at = typeof b64 === "string" ? (i: number) => b64.charCodeAt(i) : (i: number) => b64[i]!;
  const pad = at(len - 1) === 61 ? (at(len - 2) === 61 ? 2 : 1) : 0;
  return Math.floor((len * 3) / 4) - pad;
}

export class AgentPlayback {
  /** Items not yet fully heard, in play order. */
  private items: ItemState[] = [];
  private current: ItemState | undefined;
  private epoch = 0;
  private nextNo = 1;
  private pending: Base64[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private droppedResponses: string[] = [];
  private readonly clock: () => number;
  private readonly maxChunkBytes: number;
  private readonly holdWhileQueuedBytes: number;
  private readonly maxHoldMs: number;
  private readonly markEveryBytes: number;
  private readonly frameBytes: number;
  /** A marked piece of a chunk too long for one mark interval: whole base64 quads and whole ms. */
  private readonly pieceBytes: number;
  /** Called once per item when the caller has heard all of it, or it was cut off. */
  onItemHeard: (heard: ItemHeard) => void = () => {};
  /** Called per media message sent, with how long its first delta waited here (ms): the forward latency. */
  onChunkSent: ((waitedMs: number) => void) | undefined;
  /** Clock time the oldest pending delta arrived. */
  private pendingSince = 0;

  constructor(
    private readonly sink: PlaybackSink,
    opts: PlaybackOptions = {},
  ) {
    this.clock = opts.clock ?? (() => performance.now());
    this.maxChunkBytes = (opts.maxChunkMs ?? 100) * BYTES_PER_MS;
    this.holdWhileQueuedBytes = (opts.holdWhileQueuedMs ?? 500) * BYTES_PER_MS;
    this.maxHoldMs = opts.maxHoldMs ?? 100;
    this.markEveryBytes = (opts.markEveryMs ?? 100) * BYTES_PER_MS;
    this.frameBytes = (opts.frameMs ?? 20) * BYTES_PER_MS;
    this.pieceBytes = Math.max(24, Math.floor(this.markEveryBytes / 24) * 24);
  }

  /** Agent audio is queued or playing. */
  get outstanding(): boolean {
    return this.items.length > 0;
  }

  /**
   * One model delta (`bytes`: its decoded length). Returns false when it was dropped (a late
   * delta of an interrupted response).
   */
  onDelta(responseId: string, itemId: string, b64: Base64, bytes = base64Bytes(b64)): boolean {
    if (this.droppedResponses.includes(responseId)) return false;
    let item = this.current;
    if (!item || item.itemId !== itemId) item = this.startItem(responseId, itemId);
    item.producedBytes += bytes;
    const holding = this.phoneHasPlenty(item);
    if (!holding && this.pendingBytes === 0) {
      // The caller's phone is short of audio: this goes now, as it came.
      this.send(item, b64, bytes, this.clock(), 0, false);
      return true;
    }
    if (this.pendingBytes > 0 && this.pendingBytes + bytes > this.maxChunkBytes) this.flush(false);
    if (this.pendingBytes === 0 && this.onChunkSent) this.pendingSince = this.clock();
    this.pending.push(b64);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= this.maxChunkBytes || !holding) this.flush(false);
    else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush(false);
      }, this.maxHoldMs);
    }
    return true;
  }

  /**
   * The phone has plenty queued: by its marks (sent minus echoed), and by the clock (how far
   * the item is ahead of real time). Either alone misleads: marks lag when anything stalls,
   * and the clock cannot see a phone that started playing late.
   */
  private phoneHasPlenty(item: ItemState): boolean {
    if (this.unplayedBytes() < this.holdWhileQueuedBytes) return false;
    const aheadMs = item.sentBytes / BYTES_PER_MS - (item.firstSentAt === undefined ? 0 : this.clock() - item.firstSentAt);
    return aheadMs * BYTES_PER_MS >= this.holdWhileQueuedBytes;
  }

  /** Audio sent that the phone has not confirmed playing. */
  private unplayedBytes(): number {
    let n = 0;
    for (const i of this.items) n += i.sentBytes - i.ackedBytes;
    return n;
  }

  /** The model finished an item's audio: send the remainder and mark its end. */
  onItemAudioDone(itemId: string): void {
    const item = this.items.find((i) => i.itemId === itemId);
    if (!item) return;
    if (item === this.current) {
      this.flush(true);
      this.current = undefined;
    }
    item.audioDone = true;
    if (item.markedBytes < item.sentBytes) this.markItem(item);
    this.settle(item);
  }

  /** The model finished a response: its items' audio is done too. */
  onResponseDone(responseId: string): void {
    for (const item of [...this.items]) if (item.responseId === responseId && !item.audioDone) this.onItemAudioDone(item.itemId);
  }

  /** A mark came back from the caller's side. */
  onMark(name: string): void {
    const [epoch, no, bytes] = name.split(".");
    if (Number(epoch) !== this.epoch) return; // dropped by a clear, not played
    const item = this.items.find((i) => i.no === Number(no));
    if (!item) return;
    item.ackedBytes = Math.max(item.ackedBytes, Number(bytes));
    // The phone's queue ran down: held audio goes now.
    if (this.timer && this.current && !this.phoneHasPlenty(this.current)) this.flush(false);
    this.settle(item);
  }

  /**
   * The caller talked over the agent. Clears the caller's queue and returns, per unfinished
   * item, how much was heard: the audio before the last echoed mark, plus the frame that was
   * playing for the item in play — capped at what was sent.
   */
  interrupt(): ItemHeard[] {
    if (this.items.length === 0) return [];
    this.cancelTimer();
    this.pending = [];
    this.pendingBytes = 0;
    // Cleared even when every mark has come back: one message buys a certainly empty queue.
    this.sink.clearAudio();
    this.epoch++;
    const cut = this.items.map((item, index) => {
      const slack = index === 0 ? this.frameBytes : 0;
      this.dropResponse(item.responseId);
      return this.heard(item, Math.min(item.sentBytes, item.ackedBytes + slack), true);
    });
    this.items = [];
    this.current = undefined;
    for (const h of cut) this.onItemHeard(h);
    return cut;
  }

  /** The call ended: reports every unfinished item as heard up to its last echoed mark. */
  finish(): ItemHeard[] {
    this.cancelTimer();
    const cut = this.items.map((item) => this.heard(item, item.ackedBytes, item.ackedBytes < item.producedBytes));
    this.items = [];
    this.current = undefined;
    for (const h of cut) this.onItemHeard(h);
    return cut;
  }

  private startItem(responseId: string, itemId: string): ItemState {
    if (this.current) {
      // A new item without an audio.done for the previous one: close the previous out.
      this.flush(true);
      this.current.audioDone = true;
      if (this.current.markedBytes < this.current.sentBytes) this.markItem(this.current);
    }
    const item: ItemState = {
      no: this.nextNo++, itemId, responseId,
      producedBytes: 0, sentBytes: 0, markedBytes: 0, ackedBytes: 0, audioDone: false, firstSentAt: undefined,
    };
    this.items.push(item);
    this.current = item;
    return item;
  }

  /**
   * Sends a chunk, keeping marks at most `markEveryMs` of audio apart: a chunk that would carry
   * the unmarked audio past that goes after a mark of its own, one longer than that goes in
   * marked pieces, and a chunk that brings the unmarked audio to it is marked (a steady 20 ms
   * stream: one mark every fifth frame, riding with its media message).
   */
  private send(item: ItemState, b64: Base64, bytes: number, now: number, waitedMs: number, forceMark: boolean) {
    item.firstSentAt ??= now;
    if (item.sentBytes > item.markedBytes && item.sentBytes + bytes - item.markedBytes > this.markEveryBytes) this.markItem(item);
    while (bytes > this.markEveryBytes) {
      const chars = (this.pieceBytes / 3) * 4;
      item.sentBytes += this.pieceBytes;
      item.markedBytes = item.sentBytes;
      this.sink.sendAudio(part(b64, 0, chars), this.markName(item));
      this.onChunkSent?.(waitedMs);
      b64 = part(b64, chars, b64.length);
      bytes -= this.pieceBytes;
    }
    item.sentBytes += bytes;
    if (forceMark || item.sentBytes - item.markedBytes >= this.markEveryBytes) {
      item.markedBytes = item.sentBytes;
      this.sink.sendAudio(b64, this.markName(item));
    } else this.sink.sendAudio(b64);
    this.onChunkSent?.(waitedMs);
  }

  private flush(forceMark: boolean) {
    this.cancelTimer();
    const item = this.current;
    if (!item || this.pendingBytes === 0) return;
    const parts = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const now = this.clock();
    this.send(item, joinBase64(parts), bytes, now, now - this.pendingSince, forceMark);
  }

  private markItem(item: ItemState) {
    item.markedBytes = item.sentBytes;
    this.sink.mark(this.markName(item));
  }

  /** A mark names the clear-epoch, the item and how many of its bytes precede it. */
  private markName(item: ItemState): string {
    return `${this.epoch}.${item.no}.${item.sentBytes}`;
  }

  /** An item is finished once its audio is done and every byte sent has been heard. */
  private settle(item: ItemState) {
    if (!item.audioDone || item.ackedBytes < item.sentBytes || (item === this.current && this.pendingBytes > 0)) return;
    const at = this.items.indexOf(item);
    if (at === -1) return;
    // Marks come back in order: items before this one have been heard in full too.
    const done = this.items.splice(0, at + 1);
    for (const d of done) this.onItemHeard(this.heard(d, d.sentBytes, false));
  }

  private heard(item: ItemState, heardBytes: number, interrupted: boolean): ItemHeard {
    return {
      itemId: item.itemId,
      responseId: item.responseId,
      heardMs: Math.floor(heardBytes / BYTES_PER_MS),
      sentMs: Math.floor(item.sentBytes / BYTES_PER_MS),
      producedMs: Math.floor(item.producedBytes / BYTES_PER_MS),
      interrupted,
      firstSentAt: item.firstSentAt,
    };
  }

  private dropResponse(responseId: string) {
    if (this.droppedResponses.includes(responseId)) return;
    this.droppedResponses.push(responseId);
    if (this.droppedResponses.length > 16) this.droppedResponses.shift();
  }

  private cancelTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function part(b64: Base64, start: number, end: number): Base64 {
  return typeof b64 === "string" ? b64.slice(start, end) : b64.subarray(start, end);
}

/** Joins base64 chunks; re-encodes only when a chunk before the last carries padding. */
export function joinBase64(parts: Base64[]): Base64 {
  if (parts.length === 1) return parts[0]!;
  const last = (p: Base64) => (typeof p === "string" ? p.charCodeAt(p.length - 1) : p[p.length - 1]);
  const clean = parts.every((p, i) => i === parts.length - 1 || (p.length % 4 === 0 && last(p) !== 61));
  if (parts.every((p) => typeof p === "string")) {
    if (clean) return (parts as string[]).join("");
    return Buffer.concat(parts.map((p) => Buffer.from(p as string, "base64"))).toString("base64");
  }
  const bytes = parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p));
  if (clean) return Buffer.concat(bytes);
  return Buffer.from(Buffer.concat(bytes.map((b) => Buffer.from(b.toString("latin1"), "base64"))).toString("base64"), "latin1");
}
