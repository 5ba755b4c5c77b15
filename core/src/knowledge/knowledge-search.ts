// The one knowledge search the agent's search_knowledge_base tool, the REST API and the
// knowledge widget share. Hybrid: nearest chunks by vector (pgvector or Pinecone) and best
// chunks by Postgres full-text search, fused by reciprocal rank (RRF), always filtered by
// business and optionally by category and public-only. A search never waits on the embedding
// provider beyond its budget: slow or failing, the search answers from full text alone at
// once and says so (`mode` "text", `degraded`).
import { AppError } from "../errors.ts";
import { Prisma } from "@prisma/client";
import { queryRows, type Db } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";
import { resolveKnowledgeDeps, type KnowledgeDepsInput } from "./knowledge-deps.ts";
import type { Embedder } from "./embedders/embedder.ts";
import type { VectorStore } from "./stores/vector-store.ts";
import { createTermStats } from "./term-stats.ts";
import { fullTextRanking } from "./full-text-ranking.ts";

export interface KnowledgeQuery {
  businessId: string;
  query: string;
  /** Hits to return, 1-50 (default 5). */
  limit?: number;
  category?: string;
  publicOnly?: boolean;
}

export interface KnowledgeHit {
  contentId: string;
  chunkId: string | null;
  title: string;
  text: string;
  category: string | null;
  /** Fused relevance in (0, 1]: 1 is the top hit of every ranking that ran. */
  score: number;
}

/** A hit with where it came from: its rank (1 = best) in each ranking that found it. */
export interface RankedHit extends KnowledgeHit {
  textRank: number | null;
  vectorRank: number | null;
  /** Cosine similarity of the chunk to the query, when the vector ranking found it. */
  similarity: number | null;
}

export type DegradedReason = "embedding_timeout" | "embedding_failed" | "vector_search_failed";

/** A search's answer and how it was reached (what a call's trace stores). */
export interface KnowledgeAnswer {
  hits: RankedHit[];
  /** The rankings that answered: both, or full text alone (the vector half unavailable). */
  mode: SearchMode;
  /** A ranking that should have answered did not (`reason` says why). */
  degraded: boolean;
  reason: DegradedReason | null;
}

export interface KnowledgeSearch {
  search(q: KnowledgeQuery): Promise<KnowledgeHit[]>;
  /** The same search, with each hit's ranks and whether the vector half answered. */
  answer(q: KnowledgeQuery): Promise<KnowledgeAnswer>;
}

export interface KnowledgeSearchOptions {
  /** RRF's k: larger flattens the difference between neighbouring ranks. */
  rrfK?: number;
  /** Candidates each ranking contributes before fusion (at least the limit). */
  candidates?: number;
  /** Weight of the vector ranking in the fusion (full text weighs 1). */
  vectorWeight?: number;
  /** Chunks a word may be in before full text treats it as common (see term-stats). */
  fullTextCap?: number;
  /** Longest wait for the query's embedding (default: config, else 800 ms). */
  queryEmbeddingBudgetMs?: number;
}

export const DEFAULT_QUERY_EMBEDDING_BUDGET_MS = 800;

export const MAX_QUERY_CHARS = 2000;
export const MAX_LIMIT = 50;

export type SearchMode = "hybrid" | "vector" | "text";

export interface KnowledgeSearchWithModes extends KnowledgeSearch {
  /** One ranking alone (the benchmark compares them); `search` is `hybrid`. */
  searchWith(mode: SearchMode, q: KnowledgeQuery): Promise<KnowledgeAnswer>;
}

export function createKnowledgeSearch(input: KnowledgeDepsInput & KnowledgeSearchOptions): KnowledgeSearchWithModes {
  const { db, embedder, store, logger } = resolveKnowledgeDeps(input);
  const rrfK = input.rrfK ?? 60;
  const vectorWeight = input.vectorWeight ?? embedder.fusionWeight ?? 1;
  const termStats = createTermStats(db, { cap: input.fullTextCap });

  const budgetMs = input.queryEmbeddingBudgetMs ?? input.config?.knowledge?.queryEmbeddingBudgetMs ?? DEFAULT_QUERY_EMBEDDING_BUDGET_MS;

  async function searchWith(mode: SearchMode, q: KnowledgeQuery): Promise<KnowledgeAnswer> {
    const { businessId, limit, query } = validate(q);
    const category = q.category || undefined;
    const publicOnly = q.publicOnly ?? false;
    const candidates = Math.max(limit, input.candidates ?? Math.max(20, limit * 4));

    const [vector, textIds] = await Promise.all([
      mode === "text" ? null : vectorRanking({ embedder, store, logger, budgetMs }, { businessId, query, category, publicOnly, topK: candidates }),
      mode === "vector" ? null : fullTextRanking(db, termStats, { businessId, query, category, publicOnly, limit: candidates }),
    ]);
    const vectorMatches = vector && "matches" in vector ? vector.matches : null;
    const reason = vector && "failed" in vector ? vector.failed : null;
    const answered: SearchMode = vectorMatches ? (textIds ? "hybrid" : "vector") : "text";
    const vectorIds = vectorMatches?.map((m) => m.id) ?? null;
    const rankings = [...(textIds ? [{ ids: textIds, weight: 1 }] : []), ...(vectorIds ? [{ ids: vectorIds, weight: vectorWeight }] : [])];
    const fused = reciprocalRankFusion(rankings, rrfK).slice(0, limit);
    const result = { mode: answered, degraded: reason !== null, reason };
    if (fused.length === 0) return { hits: [], ...result };

    const rows = await fetchChunks(db, businessId, fused.map((f) => f.id), category, publicOnly);
    const best = rankings.reduce((sum, r) => sum + r.weight, 0) / (rrfK + 1);
    const rankIn = (ids: string[] | null, id: string) => (ids && ids.indexOf(id) >= 0 ? ids.indexOf(id) + 1 : null);
    const hits = fused.flatMap((f) => {
      const row = rows.get(f.id);
      // A remote store may name a chunk replaced a moment ago: only rows that exist count.
      if (!row) return [];
      const vectorRank = rankIn(vectorIds, f.id);
      const similarity = vectorRank ? vectorMatches![vectorRank - 1]!.score : null;
      return [{ ...row, chunkId: f.id, score: f.score / best, textRank: rankIn(textIds, f.id), vectorRank, similarity }];
    });
    return { hits, ...result };
  }

  return {
    search: async (q) => (await searchWith("hybrid", q)).hits.map(plainHit),
    answer: (q) => searchWith("hybrid", q),
    searchWith,
  };
}

function plainHit({ contentId, chunkId, title, text, category, score }: RankedHit): KnowledgeHit {
  return { contentId, chunkId, title, text, category, score };
}

function validate(q: KnowledgeQuery): { businessId: string; query: string; limit: number } {
  if (!q.businessId) throw new AppError("validation_failed", { message: "knowledge search without a businessId" });
  const query = typeof q.query === "string" ? q.query.trim().slice(0, MAX_QUERY_CHARS) : "";
  if (!query) {
    throw new AppError("validation_failed", { userMessage: "query must not be empty", errors: [{ path: "query", message: "must not be empty" }] });
  }
  const limit = q.limit ?? 5;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new AppError("validation_failed", {
      userMessage: `limit must be an integer from 1 to ${MAX_LIMIT}`,
      errors: [{ path: "limit", message: `must be an integer from 1 to ${MAX_LIMIT}` }],
    });
  }
  return { businessId: q.businessId, query, limit };
}

class BudgetSpent extends Error {}

type VectorOutcome = { matches: { id: string; score: number }[] } | { failed: DegradedReason };

/**
 * Nearest chunks to the query, or why there are none: the embedding gets `budgetMs` (a caller
 * is waiting; full text answers meanwhile) and is aborted past it.
 */
async function vectorRanking(
  deps: { embedder: Embedder; store: VectorStore; logger: Logger | undefined; budgetMs: number },
  q: { businessId: string; query: string; category: string | undefined; publicOnly: boolean; topK: number },
): Promise<VectorOutcome> {
  let vector: Float32Array;
  const aborter = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    vector = await Promise.race([
      deps.embedder.embedQuery(q.query, { signal: aborter.signal }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BudgetSpent(`query embedding took over ${deps.budgetMs} ms`)), deps.budgetMs);
      }),
    ]);
  } catch (err) {
    aborter.abort();
    const failed = err instanceof BudgetSpent ? "embedding_timeout" : "embedding_failed";
    deps.logger?.warn({ businessId: q.businessId, err, reason: failed }, "query embedding unavailable; answering from full text only");
    return { failed };
  } finally {
    clearTimeout(timer);
  }
  try {
    const matches = await deps.store.query(q.businessId, { vector, topK: q.topK, model: deps.embedder.id, category: q.category, publicOnly: q.publicOnly });
    const floor = deps.embedder.noiseFloor ?? -1;
    return { matches: matches.filter((m) => m.score >= floor) };
  } catch (err) {
    deps.logger?.warn({ businessId: q.businessId, err }, "vector search failed; answering from full text only");
    return { failed: "vector_search_failed" };
  }
}

/** Weighted RRF: each ranking gives a chunk weight/(k + rank); the sum orders the fused list. */
export function reciprocalRankFusion(rankings: { ids: string[]; weight: number }[], k: number): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const { ids, weight } of rankings) {
    ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

async function fetchChunks(db: Db, businessId: string, ids: string[], category: string | undefined, publicOnly: boolean) {
  const rows = await queryRows<{ id: string; contentId: string; text: string; title: string; category: string | null }>(db, Prisma.sql`
    SELECT k.id, k."contentId", k.text, c.title, c.category
    FROM "KnowledgeChunk" k
    JOIN "RAGContent" c ON c.id = k."contentId" AND c."businessId" = k."businessId"
    WHERE k."businessId" = ${businessId}
      AND k.id = ANY(${ids}::text[])
      AND (${category ?? null}::text IS NULL OR c.category = ${category ?? null})
      AND (${publicOnly} = false OR c."isPublic")`);
  return new Map(rows.map((r) => [r.id, { contentId: r.contentId, title: r.title, text: r.text, category: r.category }]));
}
