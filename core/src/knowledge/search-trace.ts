// What a call keeps of each knowledge search: the question, the chunks that came back with
// their documents and scores, and whether full text alone answered, so a business can see
// which document an answer came from (and what the agent could not find).
import type { KnowledgeAnswer, SearchMode, DegradedReason } from "./knowledge-search.ts";

export interface KnowledgeTraceHit {
  contentId: string;
  chunkId: string | null;
  title: string;
  /** Fused relevance in (0, 1]. */
  score: number;
  textRank: number | null;
  vectorRank: number | null;
  similarity: number | null;
}

export interface KnowledgeTrace {
  query: string;
  mode: SearchMode;
  degraded: boolean;
  reason: DegradedReason | null;
  /** Hits came back and none of them from the vector ranking. */
  fullTextOnly: boolean;
  hits: KnowledgeTraceHit[];
}

export function traceOf(query: string, answer: KnowledgeAnswer): KnowledgeTrace {
  const hits = answer.hits.map((h) => ({
    contentId: h.contentId,
    chunkId: h.chunkId,
    title: h.title,
    score: round(h.score),
    textRank: h.textRank,
    vectorRank: h.vectorRank,
    similarity: h.similarity === null ? null : round(h.similarity),
  }));
  return {
    query,
    mode: answer.mode,
    degraded: answer.degraded,
    reason: answer.reason,
    fullTextOnly: hits.length > 0 && hits.every((h) => h.vectorRank === null),
    hits,
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
