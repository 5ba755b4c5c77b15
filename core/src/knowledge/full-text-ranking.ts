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

/**
 * A gathered row's id as a computed value, not the column itself. Selecting a bare column, the
 * scan hands up the whole heap row (Postgres skips the projection), and the sort that groups
 * the rows copies it whole, fetching its TOASTed tsv and vector: 7,500 buffers for 120 rows
 * against 640 projected (EXPLAIN (ANALYZE, BUFFERS) at 100k chunks).
 */
const idOnly = Prisma.sql`k.id || '' AS id`;

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
  const filters = contentFilters(q);

  const gathered = rare.length
    ? Prisma.sql`
        SELECT m.id, sum(t.w) AS score
        FROM unnest(${rare.map((t) => tsLexeme(t.lexeme))}::text[]::tsquery[], ${rare.map(weight)}::float8[]) AS t(q, w)
        CROSS JOIN LATERAL (
          SELECT ${idOnly} FROM "KnowledgeChunk" k ${filters.join}
          WHERE k."businessId" = ${q.businessId} AND k.tsv @@ t.q ${filters.where}
          LIMIT ${stats.cap}
        ) m
        GROUP BY m.id
        ORDER BY score DESC, m.id
        LIMIT ${pool}`
    : allCommonTiers(q, terms, pool, filters);

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
 * holding all but the most common one, and so on. The nested loop runs the tiers in order and
 * the LIMIT stops it once enough rows are found. (Tiers overlap, and are de-duplicated after:
 * "& !word" would keep them apart, but GIN answers negations slowly.) Each tier's tsquery
 * reaches its scan as a lateral value the planner cannot see: shown the words, it judged them
 * common enough to find by a sequential scan, which de-TOASTs every row's tsvector (31,000
 * buffers and 70-100 ms for one question at 20k chunks, against ~500 through the GIN index).
 */
function allCommonTiers(q: FullTextQuery, terms: TermFrequency[], pool: number, filters: { join: Prisma.Sql; where: Prisma.Sql }): Prisma.Sql {
  const tiers = terms.map((_, dropped) => terms.slice(0, terms.length - dropped).map((t) => tsLexeme(t.lexeme)).join(" & "));
  return Prisma.sql`
    SELECT t.id, 0::float8 AS score
    FROM (
      SELECT m.id
      FROM unnest(${tiers}::text[]::tsquery[]) WITH ORDINALITY AS tier(q, n)
      CROSS JOIN LATERAL (
        SELECT ${idOnly} FROM "KnowledgeChunk" k ${filters.join}
        WHERE k."businessId" = ${q.businessId} AND k.tsv @@ tier.q ${filters.where}
        LIMIT ${pool}
      ) m
      LIMIT ${pool * 2}) t
    GROUP BY t.id
    LIMIT ${pool}`;
}

/** Category and public-only live on the document: join it only when asked to filter. */
function contentFilters(q: FullTextQuery): { join: Prisma.Sql; where: Prisma.Sql } {
  if (q.category === undefined && !q.publicOnly) return { join: Prisma.empty, where: Prisma.empty };
  return {
    join: Prisma.sql`JOIN "RAGContent" c ON c.id = k."contentId" AND c."businessId" = k."businessId"`,
    where: Prisma.sql`AND (${q.category ?? null}::text IS NULL OR c.category = ${q.category ?? null}) AND (${q.publicOnly} = false OR c."isPublic")`,
  };
}

function tsLexeme(lexeme: string): string {
  return `'${lexeme.replace(/'/g, "''")}'`;
}
