// The scratch databases the RAG benchmarks create and drop, on the test server.
import { readFileSync } from "node:fs";
import pg from "pg";

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** The server's URL with another database name. */
export function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = "/" + name;
  return u.toString();
}

/** One statement on the server's admin database (CREATE/DROP DATABASE). */
export async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A seeded pseudo-random generator (mulberry32): the same corpus on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CPU time (not wall time) spent on a piece of work by this process and by the Postgres
 * backends of one database: on a shared, loaded machine wall-clock rates mostly measure the
 * neighbours, CPU per operation far less. Backends are sampled from /proc every 200 ms
 * (Postgres runs on this machine), so one that lives under 200 ms may be missed. Autovacuum
 * is left out: it works for whoever wrote before.
 */
export function startCpuMeter(url: string): { stop(): Promise<{ nodeMs: number; postgresMs: number }> } {
  const node = process.cpuUsage();
  const dbName = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: withDb(url, "postgres") });
  const backends = new Map<number, { first: number; last: number }>();
  const connected = client.connect();
  let stopped = false;
  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type IN ('client backend', 'parallel worker')`, [dbName]);
    for (const { pid } of rows) {
      const ticks = backendTicks(pid);
      if (ticks === undefined) continue;
      const b = backends.get(pid);
      if (b) b.last = ticks;
      // A backend first seen now: what it used before the meter started is not ours, unless
      // it started since (its whole life is then part of the work).
      else backends.set(pid, { first: first ? ticks : 0, last: ticks });
    }
  };
  let first = true;
  const loop = (async () => {
    await connected;
    await sample();
    first = false;
    while (!stopped) {
      await new Promise((r) => setTimeout(r, 200));
      await sample();
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await sample();
      await client.end();
      const cpu = process.cpuUsage(node);
      let ticks = 0;
      for (const b of backends.values()) ticks += b.last - b.first;
      return { nodeMs: (cpu.user + cpu.system) / 1000, postgresMs: (ticks * 1000) / CLOCK_TICKS };
    },
  };
}

/** Linux's USER_HZ: /proc reports CPU times in these ticks. */
const CLOCK_TICKS = 100;

function backendTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
