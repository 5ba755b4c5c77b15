// The Prisma client over node-postgres (driver adapter), one per process.
import { PrismaClient, type Prisma } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";

export type Db = PrismaClient;

export interface DbOptions {
  url: string;
  poolMax?: number;
}

/** The node-postgres pool Prisma's adapter is using now, per client made by createDb. */
const pools = new WeakMap<object, { pool?: pg.Pool }>();

export function createDb({ url, poolMax = 10 }: DbOptions): Db {
  const adapter = new PrismaPg({ connectionString: url, max: poolMax });
  // The adapter makes a pool on every (re)connect: remember the current one.
  const current: { pool?: pg.Pool } = {};
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connected = await connect();
    current.pool = connected.underlyingDriver();
    return connected;
  };
  const client = new PrismaClient({ adapter });
  pools.set(client, current);
  return client;
}

/**
 * One raw statement through the client's own node-postgres pool, skipping Prisma's query
 * engine: on the knowledge search path that engine cost ~1 ms of CPU per statement,
 * node-postgres a tenth of that (and far more for the chunk writes' thousands of parameters). Same SQL, parameters and connections as `db.$queryRaw(sql)`, which it
 * falls back to when the pool is not at hand (another kind of client, not yet connected, or
 * disconnected). Values arrive as node-postgres parses them (int4/float8 as numbers,
 * arrays as arrays, bigint and numeric as strings).
 */
export async function queryRows<T>(db: Db, sql: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(db)?.pool;
  if (!pool || pool.ending || pool.ended) return db.$queryRaw<T[]>(sql);
  return (await pool.query(sql.text, sql.values as unknown[])).rows as T[];
}
