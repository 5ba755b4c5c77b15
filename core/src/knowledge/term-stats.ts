// Per-business term statistics for full-text ranking: how many chunks hold each of a query's
// words (document frequency), so rare words count for more than common ones (IDF), which
// Postgres's own ts_rank does not do. Frequencies are counted up to a cap, so a count costs at
// most `cap` row reads; beyond it they are estimated from the planner's statistics of the tsv
// column. Cached ten minutes in process: questions reuse a small vocabulary.
import { Prisma } from "@prisma/client";
import { queryRows, type Db } from "../db/client.ts";

export interface TermFrequency {
  /** A Postgres English lexeme (stemmed), as in KnowledgeChunk.tsv. */
  lexeme: string;
  /**
   * Chunks of the business holding it: counted exactly below `cap`; at or above it, estimated
   * from Postgres's column statistics (never below `cap`).
   */
  df: number;
}

export interface TermStats {
  terms: TermFrequency[];
  /** Chunks the business has. */
  chunks: number;
  /** The business holds most of the table's chunks (the plan of knowledge_text_matches depends on it). */
  mostOfTable: boolean;
  cap: number;
}

export interface TermStatsOptions {
  cap?: number;
  ttlMs?: number;
  maxEntries?: number;
}

export interface TermStatsSource {
  forQuery(businessId: string, query: string): Promise<TermStats>;
}

export function createTermStats(db: Db, opts: TermStatsOptions = {}): TermStatsSource {
  const cap = opts.cap ?? 300;
  const ttlMs = opts.ttlMs ?? 10 * 60_000;
  const cache = new BoundedTtlCache<number>(opts.maxEntries ?? 50_000, ttlMs);
  let planner: { shares: Map<string, number>; expiresAt: number } | undefined;

  return {
    async forQuery(businessId, query) {
      const lexemes = await queryRows<{ lexeme: string }>(db, Prisma.sql`
        SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', ${query}))
        WHERE lexeme !~ '[\\\\'':&|!()<>]'`);
      const countKey = `${businessId}\u0000#chunks`;
      const shareKey = `${businessId}\u0000#share`;
      if (cache.get(countKey) === undefined) {
        const [row] = await queryRows<{ chunks: number; total: number }>(db, Prisma.sql`
          SELECT (SELECT count(*)::int FROM "KnowledgeChunk" WHERE "businessId" = ${businessId}) AS chunks,
                 (SELECT greatest(reltuples, 1)::float8 FROM pg_class WHERE oid = '"KnowledgeChunk"'::regclass) AS total`);
        cache.set(countKey, row?.chunks ?? 0);
        cache.set(shareKey, (row?.chunks ?? 0) / Math.max(row?.chunks ?? 0, row?.total ?? 1));
      }
      const chunks = cache.get(countKey) ?? 0;
      const mostOfTable = (cache.get(shareKey) ?? 0) >= 0.5;
      const dfKey = (lexeme: string) => `${businessId}\u0000${lexeme}`;
      let missing = lexemes.map((l) => l.lexeme).filter((l) => cache.get(dfKey(l)) === undefined);
      // A business that is most of the table has the table's statistics: words they say are
      // common need no counting. (For a smaller business another's vocabulary would mislead.)
      if (missing.length && chunks >= cap && mostOfTable) {
        const shares = await commonShares();
        for (const l of missing) {
          const estimate = Math.round((shares.get(l) ?? 0) * chunks);
          if (estimate >= cap) cache.set(dfKey(l), estimate);
        }
        missing = missing.filter((l) => cache.get(dfKey(l)) === undefined);
      }
      if (missing.length) {
        // Counted through the GIN index by knowledge_text_matches (see its migration), up to the cap.
        const [row] = await queryRows<{ dfs: number[] }>(db, Prisma.sql`
          SELECT ARRAY(
            SELECT coalesce(c.df, 0)
            FROM generate_series(1, ${missing.length}::int) AS i(n)
            LEFT JOIN (
              SELECT m.n, count(*)::int AS df
              FROM knowledge_text_matches(${businessId}::text, ARRAY(SELECT quote_literal(l)::tsquery FROM unnest(${missing}::text[]) WITH ORDINALITY AS u(l, n) ORDER BY u.n),
                                          ${cap}::int, NULL::int, NULL::text, false, ${mostOfTable}::boolean) m
              GROUP BY m.n
            ) c ON c.n = i.n
            ORDER BY i.n
          ) AS dfs`);
        missing.forEach((l, i) => cache.set(dfKey(l), row?.dfs[i] ?? 0));
      }
      const terms = lexemes.map((l) => ({ lexeme: l.lexeme, df: cache.get(dfKey(l.lexeme)) ?? 0 }));
      if (terms.some((t) => t.df === cap)) {
        // Counted only up to the cap: estimate how common such words are from the planner's
        // statistics (share of chunks holding each frequent lexeme, across all businesses).
        const shares = await commonShares();
        for (const t of terms) if (t.df === cap) t.df = Math.max(cap, Math.round((shares.get(t.lexeme) ?? 0) * chunks));
      }
      return { terms, chunks, mostOfTable, cap };
    },
  };

  async function commonShares(): Promise<Map<string, number>> {
    if (planner && planner.expiresAt > Date.now()) return planner.shares;
    const [row] = await queryRows<{ elems: string[] | null; freqs: number[] | null }>(db, Prisma.sql`
      SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs::float8[] AS freqs
      FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'KnowledgeChunk' AND attname = 'tsv'`);
    const shares = new Map<string, number>();
    (row?.elems ?? []).forEach((lexeme, i) => shares.set(lexeme, row!.freqs![i]!));
    planner = { shares, expiresAt: Date.now() + ttlMs };
    return shares;
  }
}

/** BM25's IDF: rare words weigh more; a word in most chunks weighs close to nothing. */
export function idf(df: number, chunks: number): number {
  const n = Math.max(chunks, df);
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

class BoundedTtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V): void {
    // Maps iterate in insertion order: the first key is the oldest.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
  }
}
