// Vectors with known neighbours, for measuring HNSW recall (bench:rag-recall and the recall
// test): unit vectors scattered around random centres, exact top-k by brute force, and recall
// that counts ties with the k-th neighbour as found.
import { seededRandom } from "./bench-db.ts";
import { toHalf } from "@frontdesk/core/knowledge/stores/vector-store";


function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function unit(v: Float32Array): Float32Array {
  let sq = 0;
  for (const x of v) sq += x * x;
  const inv = 1 / Math.sqrt(sq || 1);
  for (let i = 0; i < v.length; i++) v[i] = Math.fround(v[i]! * inv);
  return v;
}

/**
 * `count` unit vectors, each near one of `clusters` random centres (cosine to its centre about
 * `spread`), in random cluster order; deterministic for a seed.
 */
export function clusteredVectors(opts: { count: number; clusters: number; seed: number; dimensions?: number; spread?: number }): Float32Array[] {
  const d = opts.dimensions ?? 1536;
  const random = seededRandom(opts.seed);
  const centres = Array.from({ length: opts.clusters }, () => unit(Float32Array.from({ length: d }, () => gaussian(random))));
  // Noise of norm ~ sigma * sqrt(d) around a unit centre: cosine ~ 1 / sqrt(1 + sigma^2 d).
  const spread = opts.spread ?? 0.75;
  const sigma = Math.sqrt((1 / (spread * spread) - 1) / d);
  return Array.from({ length: opts.count }, () => {
    const c = centres[Math.floor(random() * centres.length)]!;
    return unit(Float32Array.from(c, (x) => x + sigma * gaussian(random)));
  });
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The exact top k by cosine (vectors are unit length), best first. */
export function exactTopK(q: Float32Array, docs: { id: string; v: Float32Array }[], k: number): { id: string; score: number }[] {
  const scored = docs.map((d) => ({ id: d.id, score: dot(q, d.v) }));
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, k);
}

/** Share of the exact top k found; a result as similar as the k-th neighbour (a tie) counts. */
export function recallAt(got: { id: string; score: number }[], truth: { id: string; score: number }[], k: number): number {
  if (truth.length === 0) return 1;
  const ids = new Set(truth.map((t) => t.id));
  const kth = truth[Math.min(k, truth.length) - 1]!.score;
  const found = got.slice(0, k).filter((g) => ids.has(g.id) || g.score >= kth - 1e-5).length;
  return Math.min(found, truth.length) / Math.min(k, truth.length);
}

/**
 * A vector as KnowledgeChunk.embedding keeps it (halfvec: each component rounded to a 16-bit
 * float), so exact neighbours are computed over the very values the index holds.
 */
export function asStored(v: Float32Array): Float32Array {
  return Float32Array.from(v, (x) => fromHalf(toHalf(x)));
}

/** Half-float bits as a number. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
