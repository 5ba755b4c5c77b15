// A small node-postgres pool for the API's hottest reads. Prisma's query engine spends ~2 ms
// of CPU per query here; node-postgres ~0.3 ms. Timestamps are
// stored as UTC without a zone, so they are read and written as UTC whatever the process TZ.
import pg from "pg";

const TIMESTAMP_OID = 1114;

export type ReadPool = pg.Pool;

// Pools whose server is a real PostgreSQL, learnt once from version(). Only they get named
// (prepared) statements: re-planning the calls query cost PostgreSQL ~0.1-0.2 ms per request.
// The embedded PGlite ("PostgreSQL … (PGlite …)") shares one session between all connections
// behind its socket, where named statements would collide, so until the server has said what
// it is, statements stay unnamed.
const preparable = new WeakSet<pg.Pool>();
const asked = new WeakSet<pg.Pool>();

function learnServer(pool: pg.Pool) {
  asked.add(pool);
  pool.query<{ v: string }>("SELECT version() AS v").then(
    ({ rows }) => {
      if (!rows[0]?.v.includes("PGlite")) preparable.add(pool);
    },
    () => asked.delete(pool), // ask again with a later query
  );
}

export function createReadPool(url: string, max: number): ReadPool {
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === TIMESTAMP_OID ? (v: string) => new Date(v.replace(" ", "T") + "Z") : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max, types, allowExitOnIdle: true });
  pool.on("error", () => {}); // an idle client's error; the next query reports it
  return pool;
}

const names = new Map<string, string>();

/** A query for `pool`: named after its text where the server keeps prepared statements apart. */
export function statement(pool: ReadPool, text: string, values: unknown[]): pg.QueryConfig {
  if (!preparable.has(pool)) {
    if (!asked.has(pool)) learnServer(pool);
    return { text, values };
  }
  let name = names.get(text);
  if (name === undefined) {
    name = `fd_read_${names.size}`;
    names.set(text, name);
  }
  return { name, text, values };
}

/** A UTC timestamp parameter for a `timestamp` (without zone) column. */
export function utc(d: Date): string {
  return d.toISOString().replace("Z", "");
}
