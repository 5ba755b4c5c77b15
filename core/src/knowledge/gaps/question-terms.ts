// When two unanswered questions ask the same thing: they share most of their key words
// (stemmed, stop words and words common in any question left out), or, failing that, their
// local-embedder vectors (words, word pairs, trigrams: catches misspellings) are close.
import { cosine } from "../embedders/embedder.ts";
import { COMMON_WORDS, STOP_WORDS } from "../embedders/english-words.ts";
import { embedText, stemWord, tokenize } from "../embedders/local-embedder.ts";

/** The question's key words, stemmed, unique, sorted. */
export function questionTerms(question: string): string[] {
  const words = tokenize(question).filter((w) => !STOP_WORDS.has(w) && !COMMON_WORDS.has(w) && w.length > 1);
  return [...new Set(words.map(stemWord))].sort();
}

const SHARED_WORDS = 0.5;
const NEAR_VECTORS = 0.7;

export interface GapCandidate {
  question: string;
  terms: string[];
}

/** The candidate asking the same as `question`, the closest one, or undefined. */
export function matchingGap<G extends GapCandidate>(question: string, terms: string[], candidates: G[]): G | undefined {
  let best: { gap: G; score: number } | undefined;
  let vector: Float32Array | undefined;
  for (const gap of candidates) {
    let score = jaccard(terms, gap.terms);
    if (score < SHARED_WORDS) {
      vector ??= embedText(question);
      const near = cosine(vector, embedText(gap.question));
      score = near >= NEAR_VECTORS ? near * SHARED_WORDS : 0;
    }
    if (score > 0 && (!best || score > best.score)) best = { gap, score };
  }
  return best?.gap;
}

function jaccard(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const set = new Set(a);
  const shared = b.filter((t) => set.has(t)).length;
  return shared / (a.length + b.length - shared);
}
