// The caller's sentiment without a model: AFINN-165 word valences (the `sentiment` package,
// which also flips a word after "not"/"don't") summed over what the caller said, normalised
// to -1..1. Only the caller's words count: the agent is polite by construction.
import Sentiment from "sentiment";
import type { CallSentiment } from "./call-analysis.ts";
import { words } from "./text-tokens.ts";

/**
 * Phone-desk words AFINN scores as feelings but callers use to state a request: "I'd like to
 * book", "I want to cancel", "can you help", "leave a message", "are you free Tuesday", "what
 * kind of", "a hair cut". Ritual "thanks" counts a little, not as praise.
 */
const PHONE_DESK_VALENCES: Record<string, number> = {
  like: 0,
  want: 0,
  please: 0,
  yes: 0,
  no: 0,
  help: 0,
  cancel: 0,
  cancelled: 0,
  leave: 0,
  pay: 0,
  free: 0,
  sorry: 0,
  matter: 0,
  kind: 0,
  care: 0,
  cut: 0,
  interested: 0,
  miss: 0,
  missed: 0,
  thanks: 1,
  thank: 1,
};

/** VADER's normalising constant: one mild word (±2) lands near ±0.45 in a short call. */
const ALPHA = 15;
/** Scores this far from zero are a sentiment; closer is neutral. */
export const SENTIMENT_THRESHOLD = 0.3;

const afinn = new Sentiment();

export interface CallerSentiment {
  sentiment: CallSentiment;
  /** -1..1 */
  score: number;
  /** The AFINN sum over the caller's words, before normalising. */
  valence: number;
}

export function callerSentiment(callerUtterances: string[]): CallerSentiment {
  let valence = 0;
  let wordCount = 0;
  for (const text of callerUtterances) {
    valence += afinn.analyze(text, { extras: PHONE_DESK_VALENCES }).score;
    wordCount += words(text).length;
  }
  // VADER's x / sqrt(x² + α), with a length term so one stray word in a long call does not tip it.
  const score = valence === 0 ? 0 : valence / Math.sqrt(valence * valence + ALPHA + wordCount / 2);
  const rounded = Math.round(score * 1000) / 1000;
  const sentiment: CallSentiment = rounded >= SENTIMENT_THRESHOLD ? "positive" : rounded <= -SENTIMENT_THRESHOLD ? "negative" : "neutral";
  return { sentiment, score: rounded, valence };
}
