// The offline embedder: deterministic, no network, no model weights. It is LEXICAL, not
// semantic: a text becomes a bag of weighted features (stemmed words, word pairs, and
// character trigrams that forgive typos and word forms) hashed into 1536 signed buckets and
// L2-normalised. Texts that share words score high; paraphrases with no shared words do not.
// "IDF-ish" weights come from fixed word lists (stop words 0, common words low), not from
// corpus statistics, so a text's vector never changes when other documents are added.
import { VECTOR_DIMENSIONS, normalise, type Embedder } from "./embedder.ts";
import { COMMON_WORDS, STOP_WORDS } from "./english-words.ts";

export const LOCAL_EMBEDDER_ID = "local-lexical-v1";

const ASCII = /^[\x00-\x7f]*$/;
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
  // Feature hash -> summed weight. Features are hashed without building their strings:
  // each kind of feature starts from its own FNV state ("w:", "p:", "c:").
  const features = new Map<number, number>();
  const add = (h: number, weight: number) => features.set(h, (features.get(h) ?? 0) + weight);
  const words = tokenize(text);
  let previous: { hash: number; weight: number } | undefined;
  for (const word of words) {
    const weight = wordWeight(word);
    if (weight === 0) {
      previous = undefined;
      continue;
    }
    const stem = stemWord(word);
    const stemHash = fnv(WORD_SEED, stem, 0, stem.length);
    add(stemHash, weight);
    if (previous) add(mixPair(previous.hash, stemHash), PAIR_WEIGHT * Math.min(weight, previous.weight));
    previous = { hash: stemHash, weight };
    const padded = `#${word}#`;
    const n = padded.length - 2;
    const each = (TRIGRAM_WEIGHT * weight) / Math.sqrt(n);
    for (let i = 0; i < n; i++) add(fnv(TRIGRAM_SEED, padded, i, i + 3), each);
  }
  // Only stop words (or nothing): fall back to them rather than a zero vector.
  if (features.size === 0) for (const word of words) add(fnv(WORD_SEED, word, 0, word.length), 1);
  if (features.size === 0) add(fnv(WORD_SEED, "", 0, 0), 1);

  const v = new Float32Array(VECTOR_DIMENSIONS);
  for (const [h, total] of features) {
    // Sublinear term frequency: ten mentions are not ten times the evidence.
    const value = total >= 1 ? 1 + Math.log(total) : total;
    const i = h % VECTOR_DIMENSIONS;
    v[i] = v[i]! + (mix(h) & 1 ? value : -value);
  }
  return normalise(v);
}

export function tokenize(text: string): string[] {
  // Accents off ("café" = "cafe"); plain ASCII, the common case, needs no normalising.
  const lower = (ASCII.test(text) ? text : text.normalize("NFKD").replace(/\p{M}+/gu, "")).toLowerCase();
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

const FNV_OFFSET = 0x811c9dc5;
const WORD_SEED = fnv(FNV_OFFSET, "w:", 0, 2);
const PAIR_SEED = fnv(FNV_OFFSET, "p:", 0, 2);
const TRIGRAM_SEED = fnv(FNV_OFFSET, "c:", 0, 2);

/** FNV-1a over s[from, to), continuing from `state`. */
function fnv(state: number, s: string, from: number, to: number): number {
  let h = state;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A word pair's feature: the two stems' hashes folded into the pair seed. */
function mixPair(a: number, b: number): number {
  let h = PAIR_SEED;
  for (const x of [a, b]) {
    for (let shift = 0; shift < 32; shift += 8) {
      h ^= (x >>> shift) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
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
