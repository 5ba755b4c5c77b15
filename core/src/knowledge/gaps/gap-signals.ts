// Reads a finished call's transcript for questions the knowledge base did not answer: a
// knowledge search with no hit, one whose hits were all weak (no full-text match and a low
// vector similarity), or the agent telling the caller it does not know.
import type { ToolCallRecord } from "../../calls/tool-call-record.ts";

export type GapReason = "no_hit" | "weak_hits" | "agent_unsure";

export interface GapSignal {
  question: string;
  reason: GapReason;
  /** ms since the call was answered. */
  atMs: number;
}

export interface SegmentView {
  role: string;
  text: string;
  startMs: number;
  tool: unknown;
}

/** Under this cosine, a chunk found by vectors alone is not an answer. */
export const WEAK_SIMILARITY = 0.3;

const UNSURE = new RegExp(
  [
    "i(?: a|')m not (?:sure|certain)",
    "i (?:do not|don't|dont) (?:know|have (?:that|this|any) information)",
    "i (?:couldn't|could not|can't|cannot) find",
    "(?:nothing|no information) (?:in|on) (?:my|our) (?:notes|records|knowledge)",
    "i (?:do not|don't) have (?:an answer|details)",
  ].join("|"),
  "i",
);

export function gapSignals(segments: SegmentView[]): GapSignal[] {
  const out: GapSignal[] = [];
  let lastCaller: SegmentView | undefined;
  // A search that already failed this turn: the agent's "I don't know" is the same gap.
  let failedThisTurn = false;
  for (const s of segments) {
    if (s.role === "caller") {
      lastCaller = s;
      failedThisTurn = false;
    } else if (s.role === "tool") {
      const knowledge = (s.tool as ToolCallRecord | null)?.knowledge;
      if (!knowledge) continue;
      const reason = knowledge.hits.length === 0 ? "no_hit" : knowledge.hits.every(isWeak) ? "weak_hits" : null;
      if (reason) {
        out.push({ question: knowledge.query, reason, atMs: s.startMs });
        failedThisTurn = true;
      }
    } else if (s.role === "agent" && UNSURE.test(s.text) && lastCaller && !failedThisTurn) {
      out.push({ question: lastCaller.text, reason: "agent_unsure", atMs: lastCaller.startMs });
      failedThisTurn = true;
    }
  }
  return out;
}

function isWeak(h: { textRank: number | null; similarity: number | null }): boolean {
  return h.textRank === null && (h.similarity ?? 0) < WEAK_SIMILARITY;
}
