// The one way raw SQL reaches the read pool: a runner made with a business id fixed, which is
// always `$1`, and which runs a statement only if every WHERE in it starts with that business
// (`[alias.]"businessId" = $1`) and no table is read without one. The check is made once per
// statement text, not per query.
import type { ReadPool } from "./read-pool.ts";
import { statement, textRows } from "./read-pool.ts";

/** Runs a statement of one business: `$1` is that business's id; `params` are `$2` onwards. */
export interface ScopedQuery {
  <R>(text: string, params: unknown[]): Promise<R[]>;
  /** The same, each row as its columns' text as PostgreSQL sends it (NULL as null), in order. */
  texts(text: string, params: unknown[]): Promise<(string | null)[][]>;
}

export class UnscopedStatement extends Error {
  constructor(text: string, why: string) {
    super(`refused to run a statement that ${why}: ${text.replace(/\s+/g, " ").slice(0, 200)}`);
    this.name = "UnscopedStatement";
  }
}

const WHERE = /\bWHERE\b/gi;
const BUSINESS_FIRST = /^\s+(?:\w+\.)?"businessId" = \$1(?!\d)/;
const TABLE = /\b(?:FROM|JOIN)\s+"[A-Za-z]\w*"/gi;
const checked = new Set<string>();

/** Throws UnscopedStatement unless each WHERE's first condition is the business and each table read has a WHERE. */
export function assertScoped(text: string): void {
  if (checked.has(text)) return;
  let wheres = 0;
  for (const m of text.matchAll(WHERE)) {
    wheres++;
    if (!BUSINESS_FIRST.test(text.slice(m.index + m[0].length))) throw new UnscopedStatement(text, "has a WHERE not led by the business");
  }
  const tables = text.match(TABLE)?.length ?? 0;
  if (wheres === 0 || tables > wheres) throw new UnscopedStatement(text, "reads a table without a WHERE on the business");
  checked.add(text);
}

export function scopedQuery(pool: ReadPool, businessId: string): ScopedQuery {
  if (!businessId) throw new UnscopedStatement("", "names no business");
  const run = async <R>(text: string, params: unknown[]) => {
    assertScoped(text);
    const { rows } = await pool.query(statement(pool, text, [businessId, ...params]));
    return rows as R[];
  };
  return Object.assign(run, {
    async texts(text: string, params: unknown[]) {
      assertScoped(text);
      const { rows } = await pool.query<(string | null)[]>(textRows(statement(pool, text, [businessId, ...params])));
      return rows;
    },
  });
}
