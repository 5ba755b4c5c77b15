// The call's words, one finished utterance at a time: the agent's as far as the caller heard
// them (cut where a barge-in stopped the audio), the caller's with the times their turn began
// and ended. Each goes to the transcript once, when both its words and how much of it was
// heard are known, and is remembered for a model session that has to be restored.
import type { ItemHeard } from "./playback.ts";
import type { SegmentDraft, TranscriptSink } from "./transcript-recorder.ts";
import { cutToHeard } from "./heard-text.ts";
import { MAX_LINES, type SpokenLine } from "../model/restore.ts";

interface AgentUtterance {
  itemId: string;
  text: string;
  /** All audio the model produced for the item, late deltas included: what its words cover. */
  producedBytes: number;
  finalText?: string;
  responseDone: boolean;
  heard?: ItemHeard;
}

/** Items already in the transcript are remembered this long, so their late events cannot reopen them. */
const WRITTEN_KEPT = 32;

export class Utterances {
  private agent = new Map<string, AgentUtterance>();
  private written: string[] = [];
  private callerTurns = new Map<string, { startMs: number; endMs?: number }>();
  private spoken: SpokenLine[] = [];
  /** The call's transcript, remembering each line for a restore (tool lines and notes too). */
  readonly transcript: TranscriptSink;

  constructor(
    sink: TranscriptSink,
    /** ms since the call was answered, and the clock time it was answered at. */
    private readonly time: { callMs(): number; t0: number },
  ) {
    this.transcript = {
      write: (segment: SegmentDraft) => {
        if (segment.text.trim()) {
          this.spoken.push({ role: segment.role, text: segment.text, toolName: segment.toolName });
          if (this.spoken.length > 4 * MAX_LINES) this.spoken = this.spoken.slice(-MAX_LINES);
        }
        sink.write(segment);
      },
      flush: () => sink.flush(),
      get written() {
        return sink.written;
      },
    };
  }

  /** What was said so far, then what the agent was saying when it was cut short: for a restore. */
  lines(): SpokenLine[] {
    const unheard = [...this.agent.values()].map((u) => ({ role: "agent" as const, text: u.text }));
    return [...this.spoken, ...unheard];
  }

  /** Agent audio the model produced for an item (every delta, dropped ones included). */
  audioProduced(itemId: string, bytes: number): void {
    const u = this.agent.get(itemId) ?? this.open(itemId);
    if (u) u.producedBytes += bytes;
  }

  textDelta(itemId: string, delta: string): void {
    const u = this.open(itemId);
    if (u) u.text += delta;
  }

  textDone(itemId: string, transcript: string | undefined): void {
    const u = this.open(itemId);
    if (!u) return;
    u.finalText = transcript ?? u.text;
    this.writeAgent(u);
  }

  /** The caller heard an item in full, or as far as a barge-in let them. */
  heard(h: ItemHeard): void {
    const u = this.open(h.itemId);
    if (!u) return;
    u.heard = h;
    this.writeAgent(u);
  }

  /** The model finished the response these items belong to: their words are as final as they get. */
  responseDone(itemIds: readonly (string | undefined)[]): void {
    for (const id of itemIds) {
      const u = id ? this.agent.get(id) : undefined;
      if (!u) continue;
      u.responseDone = true;
      this.writeAgent(u);
    }
  }

  /** Every response in flight is over (the model's socket dropped). */
  allResponsesDone(): void {
    for (const u of [...this.agent.values()]) {
      u.responseDone = true;
      this.writeAgent(u);
    }
  }

  /** The call ended: whatever is left is written as far as it is known. */
  finish(): void {
    for (const u of [...this.agent.values()]) this.writeAgent(u, true);
  }

  callerStarted(itemId: string, startMs: number): void {
    this.callerTurns.set(itemId, { startMs });
  }

  callerStopped(itemId: string, endMs: number | undefined): void {
    const turn = this.callerTurns.get(itemId);
    if (turn) turn.endMs = endMs;
  }

  callerSaid(itemId: string, transcript: string): void {
    const turn = this.callerTurns.get(itemId);
    this.callerTurns.delete(itemId);
    this.transcript.write({
      role: "caller",
      text: transcript.trim(),
      startMs: turn?.startMs ?? this.time.callMs(),
      endMs: turn?.endMs ?? null,
      itemId,
    });
  }

  /** The item's utterance, opened if new; undefined once it is in the transcript. */
  private open(itemId: string): AgentUtterance | undefined {
    let u = this.agent.get(itemId);
    if (u) return u;
    if (this.written.includes(itemId)) return undefined;
    u = { itemId, text: "", producedBytes: 0, responseDone: false };
    this.agent.set(itemId, u);
    return u;
  }

  /** Writes the agent's utterance once it has been heard (or cut off) and its words are known. */
  private writeAgent(u: AgentUtterance, force = false) {
    if (!u.heard && !force) return;
    const text = u.finalText ?? (u.responseDone || force ? u.text : undefined);
    if (text === undefined) return;
    this.agent.delete(u.itemId);
    this.written.push(u.itemId);
    if (this.written.length > WRITTEN_KEPT) this.written.shift();
    const heard = u.heard;
    const producedMs = Math.max(heard?.producedMs ?? 0, u.producedBytes / 8);
    const spoken = heard && heard.interrupted ? cutToHeard(text, heard.heardMs, producedMs) : heard ? text : "";
    const startMs = heard?.firstSentAt !== undefined ? Math.round(heard.firstSentAt - this.time.t0) : this.time.callMs();
    this.transcript.write({
      role: "agent",
      text: spoken,
      startMs,
      endMs: startMs + (heard?.heardMs ?? 0),
      itemId: u.itemId,
      interrupted: heard?.interrupted ?? false,
    });
  }
}
