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

/** What one word contributes, worked out once per distinct word (words repeat a lot). */
interface WordFeatures {
  weight: number;
  stemHash: number;
  /** Signed buckets (bucket + 1, negated for -1) of the stem and of each character trigram. */
  stemBucket: number;
  trigramBuckets: Int32Array;
  trigramWeight: number;
}

const WORD_CACHE_MAX = 100_000;
const wordCache = new Map<string, WordFeatures>();

function featuresOf(word: string): WordFeatures {
  let f = wordCache.get(word);
  if (f) return f;
  const weight = wordWeight(word);
  const stem = stemWord(word);
  const stemHash = fnv(WORD_SEED, stem, 0, stem.length);
  const padded = `#${word}#`;
  const n = padded.length - 2;
  const trigramBuckets = new Int32Array(n);
  for (let i = 0; i < n; i++) trigramBuckets[i] = signedBucket(fnv(TRIGRAM_SEED, padded, i, i + 3));
  f = { weight, stemHash, stemBucket: signedBucket(stemHash), trigramBuckets, trigramWeight: (TRIGRAM_WEIGHT * weight) / Math.sqrt(n) };
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(word, f);
  return f;
}

function signedBucket(h: number): number {
  const bucket = (h % VECTOR_DIMENSIONS) + 1;
  return mix(h) & 1 ? bucket : -bucket;
}

function addTo(v: Float32Array, signed: number, value: number): void {
  if (signed > 0) v[signed - 1] = v[signed - 1]! + value;
  else v[-signed - 1] = v[-signed - 1]! - value;
}

/** The vector for one text (exported for tests and the benchmark). */
export function embedText(text: string): Float32Array {
  const words = tokenize(text);
  // Term frequency per distinct word, and summed weight per word pair (hashed, no strings).
  const counts = new Map<string, number>();
  const pairs = new Map<number, number>();
  let previous: WordFeatures | undefined;
  for (const word of words) {
    const f = featuresOf(word);
    if (f.weight === 0) {
      previous = undefined;
      continue;
    }
    counts.set(word, (counts.get(word) ?? 0) + 1);
    if (previous) {
      const h = mixPair(previous.stemHash, f.stemHash);
      pairs.set(h, (pairs.get(h) ?? 0) + PAIR_WEIGHT * Math.min(f.weight, previous.weight));
    }
    previous = f;
  }

  const v = new Float32Array(VECTOR_DIMENSIONS);
  for (const [word, tf] of counts) {
    // Sublinear term frequency: ten mentions are not ten times the evidence.
    const scale = 1 + Math.log(tf);
    const f = wordCache.get(word) ?? featuresOf(word);
    addTo(v, f.stemBucket, f.weight * scale);
    const t = f.trigramWeight * scale;
    for (let i = 0; i < f.trigramBuckets.length; i++) addTo(v, f.trigramBuckets[i]!, t);
  }
  for (const [h, total] of pairs) addTo(v, signedBucket(h), total >= 1 ? 1 + Math.log(total) : total);
  // Only stop words (or nothing): fall back to them rather than a zero vector.
  if (counts.size === 0) {
    for (const word of words) addTo(v, signedBucket(fnv(WORD_SEED, word, 0, word.length)), 1);
    if (words.length === 0) addTo(v, signedBucket(WORD_SEED), 1);
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
  for (let shift = 0; shift < 32; shift += 8) {
    h ^= (a >>> shift) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  for (let shift = 0; shift < 32; shift += 8) {
    h ^= (b >>> shift) & 0xff;
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
