// The offline embedder: deterministic, no network, no model weights. It is LEXICAL, not
// semantic: a text becomes a bag of weighted features (stemmed words, word pairs, and
// character trigrams that forgive typos and word forms) hashed into 1536 signed buckets and
// L2-normalised. Texts that share words score high; paraphrases with no shared words do not.
// "IDF-ish" weights come from fixed word lists (stop words 0, common words low), not from
// corpus statistics, so a text's vector never changes when other documents are added.
import { VECTOR_DIMENSIONS, normalise, type Embedder } from "./embedder.ts";
import { COMMON_WORDS, STOP_WORDS } from "./english-words.ts";

export const LOCAL_EMBEDDER_ID = "local-lexical-v1";

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const PAIR_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.5;

export function createLocalEmbedder(): Embedder {
  return {
    id: LOCAL_EMBEDDER_ID,
    // Texts sharing no word or trigram score about 0 (±0.05 from hash collisions).
    noiseFloor: 0.05,
    // Lexical evidence full text already has (with word rarity, which this lacks): half weight.
    fusionWeight: 0.5,
    embedDocuments: async (texts) => texts.map(embedText),
    embedQuery: async (text) => embedText(text),
  };
}

/** The vector for one text (exported for the benchmark's ingestion path and tests). */
export function embedText(text: string): Float32Array {
  const features = new Map<string, number>();
  const add = (feature: string, weight: number) => features.set(feature, (features.get(feature) ?? 0) + weight);
  const words = tokenize(text);
  let previous: { stem: string; weight: number } | undefined;
  for (const word of words) {
    const weight = wordWeight(word);
    if (weight === 0) {
      previous = undefined;
      continue;
    }
    const stem = stemWord(word);
    add("w:" + stem, weight);
    if (previous) add("p:" + previous.stem + " " + stem, PAIR_WEIGHT * Math.min(weight, previous.weight));
    previous = { stem, weight };
    const padded = `#${word}#`;
    const n = padded.length - 2;
    const each = (TRIGRAM_WEIGHT * weight) / Math.sqrt(n);
    for (let i = 0; i < n; i++) add("c:" + padded.slice(i, i + 3), each);
  }
  // Only stop words (or nothing): fall back to them rather than a zero vector.
  if (features.size === 0) for (const word of words) add("w:" + word, 1);
  if (features.size === 0) add("empty", 1);

  const v = new Float32Array(VECTOR_DIMENSIONS);
  for (const [feature, total] of features) {
    const h = fnv1a(feature);
    // Sublinear term frequency: ten mentions are not ten times the evidence.
    const value = total >= 1 ? 1 + Math.log(total) : total;
    const i = h % VECTOR_DIMENSIONS;
    v[i] = v[i]! + (mix(h) & 1 ? value : -value);
  }
  return normalise(v);
}

export function tokenize(text: string): string[] {
  const lower = text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  return Array.from(lower.matchAll(WORD), (m) => m[0].replace(/’/g, "'").replace(/'s$/, ""));
}

function wordWeight(word: string): number {
  if (STOP_WORDS.has(word)) return 0;
  if (COMMON_WORDS.has(word)) return 0.4;
  if (word.length <= 2) return 0.5;
  return 1;
}

/** A light suffix stripper (plurals, -ing, -ed, -ly); queries and documents go through it alike. */
export function stemWord(word: string): string {
  let w = word.replace(/'/g, "");
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5 && /[aeiouy]/.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith("ed") && w.length > 4 && /[aeiouy]/.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  else if (w.endsWith("ly") && w.length > 5) w = w.slice(0, -2);
  return w;
}

function undouble(w: string): string {
  return /([^aeiouylsz])\1$/.test(w) ? w.slice(0, -1) : w;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A second, independent bit source for the bucket's sign. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
