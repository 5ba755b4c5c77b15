// The Twilio simulator the tests use: the one `npm run call` uses (scripts/lib), plus a
// reading of the phone's trace that only tests need.
import { BYTES_PER_MS } from "../../scripts/lib/mulaw-audio.ts";
import type { TraceEvent } from "../../scripts/lib/twilio-simulator.ts";

export * from "../../scripts/lib/twilio-simulator.ts";

export interface AgentTurnOnPhone {
  /** Agent audio the phone received for the item, ms. */
  sentMs: number;
  /** Agent audio covered by marks the phone echoed before the relay's clear, ms. */
  ackedMs: number;
  /** The same, counting only echoes sent before the caller began talking over the item. */
  ackedBeforeSpeechMs: number;
  /** Ended by a clear (barge-in). */
  cleared: boolean;
  /** Where the relay marked the item's audio, ms into it, in order. */
  markedAtMs: number[];
  /** Agent audio the caller had heard when they began talking over the item, ms (undefined: they did not). */
  heardAtSpeechMs: number | undefined;
}

/**
 * Splits the phone's trace into the agent's audio items, given each item's produced length
 * in order (from the model stand-in): an item ends after its produced audio, or at a clear.
 */
export function agentTurnsOnPhone(trace: TraceEvent[], producedMs: number[]): AgentTurnOnPhone[] {
  const turns: AgentTurnOnPhone[] = [];
  let i = 0;
  for (const produced of producedMs) {
    const turn: AgentTurnOnPhone = { sentMs: 0, ackedMs: 0, ackedBeforeSpeechMs: 0, cleared: false, markedAtMs: [], heardAtSpeechMs: undefined };
    const markAt = new Map<string, number>();
    let callerSpeaking = false;
    for (; i < trace.length; i++) {
      const e = trace[i]!;
      if (e.kind === "media") {
        if (turn.sentMs >= produced) break;
        turn.sentMs += e.bytes / BYTES_PER_MS;
      } else if (e.kind === "mark") {
        markAt.set(e.name, turn.sentMs);
        turn.markedAtMs.push(turn.sentMs);
      }
      else if (e.kind === "echo" && !e.afterClear && markAt.has(e.name)) {
        turn.ackedMs = Math.max(turn.ackedMs, markAt.get(e.name)!);
        if (!callerSpeaking) turn.ackedBeforeSpeechMs = turn.ackedMs;
      } else if (e.kind === "speech") {
        callerSpeaking = e.started;
        if (e.started && turn.sentMs > 0) turn.heardAtSpeechMs ??= e.heardMs;
      }
      else if (e.kind === "clear") {
        turn.cleared = true;
        i++;
        break;
      }
    }
    turns.push(turn);
  }
  return turns;
}
