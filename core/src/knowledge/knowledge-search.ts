// The one knowledge search the agent, the API and the widgets share.
// This first version ranks whole documents with Postgres full-text search; the knowledge
// engine (chunks, embeddings, hybrid ranking) replaces the implementation, not the interface.
import type { Db } from "../db/client.ts";

export interface KnowledgeQuery {
  businessId: string;
  query: string;
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
  score: number;
}

export interface KnowledgeSearch {
  search(q: KnowledgeQuery): Promise<KnowledgeHit[]>;
}

export function createKnowledgeSearch({ db }: { db: Db }): KnowledgeSearch {
  return {
    async search({ businessId, query, limit = 5, category, publicOnly = false }) {
      const rows = await db.$queryRaw<{ id: string; title: string; content: string; category: string | null; score: number }[]>`
        WITH q AS (
          SELECT to_tsquery('english', string_agg(lexeme, ' | ')) AS tsq
          FROM unnest(to_tsvector('english', ${query}))
        )
        SELECT c.id, c.title, c.content, c.category,
               ts_rank(to_tsvector('english', c.title || ' ' || c.content), q.tsq)::float8 AS score
        FROM "RAGContent" c, q
        WHERE c."businessId" = ${businessId}
          AND (${category ?? null}::text IS NULL OR c.category = ${category ?? null})
          AND (${publicOnly} = false OR c."isPublic")
          AND q.tsq IS NOT NULL
          AND to_tsvector('english', c.title || ' ' || c.content) @@ q.tsq
        ORDER BY score DESC
        LIMIT ${limit}`;
      return rows.map((r) => ({ contentId: r.id, chunkId: null, title: r.title, text: r.content, category: r.category, score: r.score }));
    },
  };
}
