// How a call ended, by rules over the facts the relay recorded: a message taken or a transfer
// is certain; a caller who said almost nothing, or hung up within seconds, abandoned the call.
import type { AnalysisInput, CallOutcome } from "./call-analysis.ts";
import { words } from "./text-tokens.ts";

/** A caller who said this few words never stated a request ("hello?"). */
export const ABANDONED_MAX_CALLER_WORDS = 3;
/** A caller who hung up this early having said little gave up. */
export const EARLY_HANGUP_SEC = 15;
export const EARLY_HANGUP_MAX_CALLER_WORDS = 10;

export function callerWordCount(input: AnalysisInput): number {
  return input.transcript.filter((l) => l.role === "caller").reduce((n, l) => n + words(l.text).length, 0);
}

export function outcomeByRules(input: AnalysisInput): CallOutcome {
  const { facts } = input;
  // An answering machine took the call: the agent left the voicemail message and hung up.
  if (facts.endReason === "voicemail") return "voicemail";
  if (facts.messagesTaken.length > 0) return "message_taken";
  if (facts.transferred) return "transferred";
  const spoken = callerWordCount(input);
  if (spoken <= ABANDONED_MAX_CALLER_WORDS) return "abandoned";
  const hungUpEarly =
    (facts.endReason === null || facts.endReason === "caller_hangup") &&
    facts.durationSec !== null &&
    facts.durationSec < EARLY_HANGUP_SEC &&
    spoken < EARLY_HANGUP_MAX_CALLER_WORDS;
  return hungUpEarly ? "abandoned" : "resolved";
}

/**
 * A model judges resolved versus abandoned; it cannot overrule what happened. A message taken
 * or a transfer always wins, and a claimed one that did not happen falls back to the rules.
 */
export function reconcileOutcome(judged: CallOutcome, input: AnalysisInput): CallOutcome {
  const byRules = outcomeByRules(input);
  if (byRules === "message_taken" || byRules === "transferred" || byRules === "voicemail") return byRules;
  if (judged === "message_taken" || judged === "transferred" || judged === "voicemail") return byRules;
  return judged;
}
