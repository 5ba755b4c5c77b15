// A small node-postgres pool for the API's hottest reads. Prisma's query engine spends ~2 ms
// of CPU per query here; node-postgres ~0.3 ms. Timestamps are
// stored as UTC without a zone, so they are read and written as UTC whatever the process TZ.
import pg from "pg";
import { timestampFromText } from "./pg-text.ts";

const TIMESTAMP_OID = 1114;

export type ReadPool = pg.Pool;

// Pools whose server is a real PostgreSQL, learnt from version() on a new connection. Only
// they get named (prepared) statements: re-planning the calls query cost PostgreSQL ~0.1-0.2 ms
// per request. The embedded PGlite ("PostgreSQL … (PGlite …)") shares one session between
// all connections behind its socket, where named statements would collide, so until the
// server has said what it is, statements stay unnamed.
const preparable = new WeakSet<pg.Pool>();

export function createReadPool(url: string, max: number): ReadPool {
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === TIMESTAMP_OID ? timestampFromText : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
  };
  // Asked on every new connection before its first query. A prepared statement's plan is then
  // made once, for any values: left to choose, PostgreSQL plans `LIMIT $n` statements anew
  // on every run (an unknown limit looks costly in a generic plan), which cost more than
  // running the calls page itself, and the generic plan is the one the custom plans pick
  // anyway (the business's index, newest first).
  const onConnect = async (client: pg.ClientBase) => {
    const { rows } = await client.query<{ v: string }>("SELECT version() AS v");
    if (rows[0]?.v.includes("PGlite")) return;
    await client.query("SET plan_cache_mode = force_generic_plan");
    preparable.add(pool);
  };
  // pg-pool awaits onConnect (its typings say void).
  const pool: pg.Pool = new pg.Pool({ connectionString: url, max, types, allowExitOnIdle: true, onConnect: onConnect as (c: pg.ClientBase) => void });
  pool.on("error", () => {}); // an idle client's error; the next query reports it
  return pool;
}

const names = new Map<string, string>();

/** A query for `pool`: named after its text where the server keeps prepared statements apart. */
export function statement(pool: ReadPool, text: string, values: unknown[]): pg.QueryConfig {
  if (!preparable.has(pool)) return { text, values };
  let name = names.get(text);
  if (name === undefined) {
    name = `fd_read_${names.size}`;
    names.set(text, name);
  }
  return { name, text, values };
}

const asText = (v: string) => v;
const TEXT_TYPES = { getTypeParser: () => asText } as unknown as pg.CustomTypesConfig;

/** The query with rows as arrays of each column's text (NULL as null), read as nothing else. */
export function textRows(query: pg.QueryConfig): pg.QueryArrayConfig {
  return { ...query, rowMode: "array", types: TEXT_TYPES };
}

/** A UTC timestamp parameter for a `timestamp` (without zone) column. */
export function utc(d: Date): string {
  return d.toISOString().replace("Z", "");
}
