// The full-text half of hybrid search: chunks ranked by the query's words, each word weighted
// by its rarity among this business's chunks (BM25's IDF; Postgres's ts_rank has none), so
// "operation" outweighs "cat" in a vet's knowledge base.
//
// Built to stay fast at 100k+ chunks per business. Reading a chunk's tsvector means
// de-TOASTing a few KB, so it is avoided: rows are gathered through the GIN index, one
// posting list per rare word (fewer than `cap` rows each, exact), and scored by summing the
// weights of the lists they appear in. Only the best `pool` rows have their tsvector read,
// and only to add the weight of common words (in `cap` or more chunks, too many to gather).
// If every word is common, rows holding all of them come first, then all but the most common
// one, and so on, `pool` rows at most.
import { Prisma } from "@prisma/client";
import { queryRows, type Db } from "../db/client.ts";
import { idf, type TermFrequency, type TermStatsSource } from "./term-stats.ts";

export interface FullTextQuery {
  businessId: string;
  query: string;
  category: string | undefined;
  publicOnly: boolean;
  limit: number;
}

/** At most this many rows gathered through posting lists per query. */
const GATHER_BUDGET = 1000;

export async function fullTextRanking(db: Db, termStats: TermStatsSource, q: FullTextQuery): Promise<string[]> {
  const stats = await termStats.forQuery(q.businessId, q.query);
  const terms = stats.terms.filter((t) => t.df > 0).sort((a, b) => a.df - b.df || (a.lexeme < b.lexeme ? -1 : 1));
  if (terms.length === 0) return [];

  // Rarest first, while their posting lists fit the budget; the rest are "common".
  const rare: TermFrequency[] = [];
  let budget = GATHER_BUDGET;
  for (const t of terms) {
    if (t.df >= stats.cap || t.df > budget) break;
    rare.push(t);
    budget -= t.df;
  }
  const common = terms.slice(rare.length);
  const weight = (t: TermFrequency) => idf(t.df, stats.chunks);
  const pool = Math.max(60, q.limit * 3);
  const matches = (queries: string[], perQuery: number, total: number | null) =>
    Prisma.sql`knowledge_text_matches(${q.businessId}::text, ${queries}::text[]::tsquery[], ${perQuery}::int, ${total}::int, ${q.category ?? null}::text, ${q.publicOnly}::boolean, ${stats.mostOfTable}::boolean)`;

  // Rows gathered through the posting lists of the rare words, scored by the weights of the
  // lists they are in (knowledge_text_matches: see its migration).
  const gathered = rare.length
    ? Prisma.sql`
        SELECT m.id, sum(t.w) AS score
        FROM ${matches(rare.map((t) => tsLexeme(t.lexeme)), stats.cap, null)} m
        JOIN unnest(${rare.map(weight)}::float8[]) WITH ORDINALITY AS t(w, n) ON t.n = m.n
        GROUP BY m.id
        ORDER BY score DESC, m.id
        LIMIT ${pool}`
    : allCommonTiers(terms, pool, matches);

  if (common.length === 0) {
    const rows = await queryRows<{ id: string }>(db, Prisma.sql`SELECT g.id FROM (${gathered}) g ORDER BY g.score DESC, g.id LIMIT ${q.limit}`);
    return rows.map((r) => r.id);
  }
  const rows = await queryRows<{ id: string }>(db, Prisma.sql`
    SELECT g.id
    FROM (${gathered}) g
    JOIN "KnowledgeChunk" k ON k.id = g.id
    -- The tsvector fetched from TOAST once per row, not once per common word (setweight to
    -- the default weight D makes an in-memory copy, and matches the same words).
    CROSS JOIN LATERAL (SELECT setweight(k.tsv, 'D') AS tsv OFFSET 0) d
    ORDER BY g.score + (SELECT coalesce(sum(c.w), 0)
                        FROM unnest(${common.map((t) => tsLexeme(t.lexeme))}::text[]::tsquery[], ${common.map(weight)}::float8[]) AS c(q, w)
                        WHERE d.tsv @@ c.q) DESC,
             g.id
    LIMIT ${q.limit}`);
  return rows.map((r) => r.id);
}

/**
 * Every word is common: take rows holding all of them, then (only if that leaves room) rows
 * holding all but the most common one, and so on; knowledge_text_matches runs the tiers in
 * order and stops once enough rows are found. (Tiers overlap, and are de-duplicated after:
 * "& !word" would keep them apart, but GIN answers negations slowly.)
 */
function allCommonTiers(terms: TermFrequency[], pool: number, matches: (queries: string[], perQuery: number, total: number | null) => Prisma.Sql): Prisma.Sql {
  const tiers = terms.map((_, dropped) => terms.slice(0, terms.length - dropped).map((t) => tsLexeme(t.lexeme)).join(" & "));
  return Prisma.sql`
    SELECT m.id, 0::float8 AS score
    FROM ${matches(tiers, pool, pool * 2)} m
    GROUP BY m.id
    LIMIT ${pool}`;
}

function tsLexeme(lexeme: string): string {
  return `'${lexeme.replace(/'/g, "''")}'`;
}
