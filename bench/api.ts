// `npm run bench:api`: the REST API under load. An authenticated, rate-limited
// `GET /v1/calls` on a business with 100k calls, beside a bare Express hello-world, each in
// its own process, at increasing concurrency (autocannon); then the API at fixed rates up
// to 2,000 req/s (open loop: requests sent on schedule, latency counted from when each was due). Prints req/s,
// p50/p95/p99 and each server's CPU per request (robust to a busy machine) for both, the
// throughput ratio, twice where taskset and two CPUs allow (load generator on CPU 0 and the
// servers on CPU 1, then unpinned), and ends with one line per placement
//   api: p95 X ms at Y req/s; throughput ratio to bare express R (pinned|unpinned)
// Those requests all read the first page, which the API keeps in its calls page cache; one
// more row per placement, "api varied pages", reads a different page on every request
// (`starting_after` walks the calls), so each one misses the cache: the uncached cost.
// Targets: p95 <= 20 ms at 2,000 req/s; >= 0.5x bare Express throughput.
// Runs in its own throwaway database and Redis prefix (dropped at the end; --keep keeps them).
//   API_BENCH_CALLS        calls of the business (default 100000)
//   API_BENCH_SECONDS      seconds per run (default 5)
//   API_BENCH_CONNECTIONS  concurrency steps (default 1,10,50,100)
//   API_BENCH_RATES        fixed-rate runs of the API, req/s (default 500,1000,2000; the last is the target)
//   BENCH_DATABASE_URL     an admin connection (default TEST_DATABASE_URL or local postgres)
//   BENCH_REDIS_URL        Redis (default REDIS_URL or local redis)
//   API_BENCH_CPU_PROF     a directory: the API server runs with --cpu-prof and writes its profile there
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import autocannon from "autocannon";
import express from "express";
import pg from "pg";
import { Redis } from "ioredis";

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CALLS = Number(process.env.API_BENCH_CALLS ?? 100_000);
const SECONDS = Number(process.env.API_BENCH_SECONDS ?? 5);
const STEPS = (process.env.API_BENCH_CONNECTIONS ?? "1,10,50,100").split(",").map(Number);
const RATES = (process.env.API_BENCH_RATES ?? "500,1000,2000").split(",").map(Number);
const RATE = RATES.at(-1)!;
/** API_BENCH_CPU_PROF=dir: the API server runs with --cpu-prof and writes its profile there. */
const PROFILE_DIR = process.env.API_BENCH_CPU_PROF;
const APP_SECRET = "bench-secret-bench-secret-bench-secret-0123";

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = "/" + db;
  return u.toString();
}

async function sql(url: string, text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

// ------------------------------------------------------------------ servers (child processes)

// Each server reports its own CPU time (user + system, µs) on SIGUSR2, so the table can show
// CPU per request: unlike req/s, it hardly depends on what else the shared machine is doing.
function reportCpuOnSignal() {
  process.on("SIGUSR2", () => {
    const u = process.cpuUsage();
    console.log(`cpu ${u.user + u.system}`);
  });
  // A clean exit, so that --cpu-prof writes its profile.
  process.on("SIGTERM", () => process.exit(0));
}

async function serveBare() {
  reportCpuOnSignal();
  const app = express();
  app.disable("x-powered-by");
  app.get("/", (_req, res) => void res.json({ hello: "world" }));
  const server = app.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
}

async function serveApi() {
  reportCpuOnSignal();
  const { loadConfig } = await import("@frontdesk/core/config/env");
  const { createDb } = await import("@frontdesk/core/db/client");
  const { createCache } = await import("@frontdesk/core/cache/index");
  const { createLogger } = await import("@frontdesk/core/observability/logger");
  const { createApiApp } = await import("../api/src/app.ts");
  const config = loadConfig();
  const db = createDb({ url: config.databaseUrl!, poolMax: config.databasePoolMax });
  const cache = createCache(config);
  const { app } = createApiApp({ config, db, cache, logger: createLogger("api", "warn") });
  const server = app.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
}

interface Server {
  port: number;
  child: ChildProcess;
  /** The server process's CPU time so far, µs. */
  cpu(): Promise<number>;
}

function startServer(kind: "api" | "bare", env: NodeJS.ProcessEnv): Promise<Server> {
  const profile = kind === "api" && PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "bench/api.ts", "--serve", kind], { env, stdio: ["ignore", "pipe", "inherit"] });
  const cpuWaiters: ((us: number) => void)[] = [];
  const cpu = () =>
    new Promise<number>((resolve) => {
      cpuWaiters.push(resolve);
      child.kill("SIGUSR2");
    });
  return new Promise((resolve, reject) => {
    let out = "";
    let listening = false;
    child.stdout!.on("data", (d) => {
      out += d;
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const m = /^listening (\d+)/.exec(line);
        if (m && !listening) {
          listening = true;
          resolve({ port: Number(m[1]), child, cpu });
        }
        const c = /^cpu (\d+)/.exec(line);
        if (c) cpuWaiters.shift()?.(Number(c[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`${kind} server exited (${code}) before listening:\n${out}`)));
  });
}

// ------------------------------------------------------------------ CPU placement

type Mode = "pinned" | "unpinned";
/** Read before any pinning: availableParallelism() follows this process's affinity. */
const CPUS = availableParallelism();
const MODE_NOTE: Record<Mode, string> = {
  pinned: "pinned: the load generator on CPU 0, both servers on CPU 1 (taskset)",
  unpinned: "unpinned: every process on every CPU",
};

const canPin = () => CPUS >= 2 && spawnSync("taskset", ["-p", String(process.pid)], { encoding: "utf8" }).status === 0;

/** Moves this process (the load generator) and the servers, all their threads (-a). */
function placeProcesses(mode: Mode, servers: number[]) {
  const all = `0-${CPUS - 1}`;
  const set = (cpus: string, pid: number) => {
    const r = spawnSync("taskset", ["-a", "-cp", cpus, String(pid)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`taskset ${cpus} ${pid} failed: ${r.stderr}`);
  };
  if (mode === "unpinned" && !canPin()) return;
  set(mode === "pinned" ? "0" : all, process.pid);
  for (const pid of servers) set(mode === "pinned" ? "1" : all, pid);
}

const uptime = () => spawnSync("uptime", { encoding: "utf8" }).stdout?.trim() ?? "?";

// ------------------------------------------------------------------ data

async function seed(url: string): Promise<{ businessId: string }> {
  const [biz] = (await sql(url, `INSERT INTO "Business" (name, slug, plan, "updatedAt") VALUES ('Bench Bakery', 'bench-bakery', 'enterprise', now()) RETURNING id`)).rows;
  const businessId = biz.id as string;
  await sql(url, `INSERT INTO "PhoneNumber" ("businessId", e164, "updatedAt") VALUES ($1, '+15550100000', now())`, [businessId]);
  // Multi-row INSERTs of 10,000 calls each: two months of varied calls, newest first.
  const batch = 10_000;
  for (let start = 0; start < CALLS; start += batch) {
    const n = Math.min(batch, CALLS - start);
    await sql(
      url,
      `INSERT INTO "CallLog" ("businessId", "callSid", direction, "fromNumber", "toNumber", status, "startedAt", "answeredAt", "endedAt",
         "durationSec", "endReason", summary, sentiment, "sentimentScore", outcome, topics, "analysisStatus", "inputTokens", "outputTokens", "costUsdMicros", "updatedAt")
       SELECT $1, 'CA' || md5(random()::text || i), 'inbound', '+1415555' || lpad((i % 10000)::text, 4, '0'), '+15550100000',
         (CASE WHEN i % 9 = 0 THEN 'no-answer' ELSE 'completed' END)::"CallStatus",
         now() - make_interval(secs => i * 53), now() - make_interval(secs => i * 53 - 2), now() - make_interval(secs => i * 53 - 2 - (30 + i % 400)),
         30 + i % 400, 'caller_hangup', 'Caller asked about ' || (ARRAY['opening hours','booking','pricing','parking','delivery'])[1 + i % 5] || '.',
         (ARRAY['positive','neutral','negative'])[1 + i % 3]::"Sentiment", ((i % 3) - 1) * 0.5,
         (ARRAY['resolved','message_taken','transferred','abandoned'])[1 + i % 4]::"CallOutcome",
         ARRAY[(ARRAY['opening hours','booking','pricing','parking','delivery'])[1 + i % 5]], 'done', 1000 + i % 500, 700 + i % 300, 12000 + i % 5000, now()
       FROM generate_series($2::int, $3::int) AS i`,
      [businessId, start, start + n - 1],
    );
  }
  await sql(url, `ANALYZE "CallLog"`);
  return { businessId };
}

async function createKey(url: string, businessId: string): Promise<string> {
  const { generateSecretKey } = await import("@frontdesk/core/auth/api-keys");
  const k = generateSecretKey(APP_SECRET);
  await sql(url, `INSERT INTO "ApiKey" ("businessId", name, prefix, hash, last4, scopes) VALUES ($1, 'bench', $2, $3, $4, ARRAY['calls:read'])`, [
    businessId, k.prefix, k.hash, k.last4,
  ]);
  return k.key;
}

// ------------------------------------------------------------------ load

interface RunResult {
  server: string;
  connections: number;
  rate?: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Responses received. */
  requests: number;
  /** Server CPU per response, µs. */
  cpuUs?: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function load(
  server: string, url: string, connections: number, seconds: number, headers: Record<string, string>, paths?: () => string,
): Promise<RunResult> {
  const times: number[] = [];
  // `paths`: each request's own path (autocannon asks before every request).
  const requests = paths ? [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: paths() }) }] : undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, headers, requests }, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  const sorted = Float64Array.from(times).sort();
  return {
    server,
    connections,
    rps: result.requests.total / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: times.length,
  };
}

/** Runs `work` and adds the server's CPU per response to its result. */
async function measured(server: Server, work: () => Promise<RunResult>): Promise<RunResult> {
  const before = await server.cpu();
  const r = await work();
  const after = await server.cpu();
  return { ...r, cpuUs: r.requests ? (after - before) / r.requests : NaN };
}

/**
 * Open-loop load at a fixed rate: requests are sent on a schedule whatever the server's pace,
 * and each latency is counted from when its request was due (no coordinated omission).
 * (autocannon's own rate limit sends each second's requests in one burst.)
 */
async function paced(server: string, url: string, rate: number, seconds: number, headers: Record<string, string>): Promise<RunResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * seconds);
  const times: number[] = [];
  let sent = 0;
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (++done === total) resolve();
    };
    const fire = (due: number) => {
      const req = http.get(url, { agent, headers }, (res) => {
        if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx++;
        res.resume();
        res.on("end", () => (times.push(performance.now() - due), finish()));
      });
      req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
      req.on("error", () => (errors++, finish()));
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; sent++) fire(start + (sent * 1000) / rate);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(times).sort();
  return { server, connections: 0, rate, rps: times.length / elapsed, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), non2xx, errors, requests: times.length };
}

function row(r: RunResult): string {
  const f = (n: number, w: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "-").padStart(w);
  return `${r.server.padEnd(16)}${(r.connections ? String(r.connections) : "open").padStart(6)}${(r.rate ? String(r.rate) : "max").padStart(8)}${f(r.rps, 10, 0)}${f(r.p50, 9, 2)}${f(r.p95, 9, 2)}${f(r.p99, 9, 2)}${String(r.non2xx).padStart(8)}${String(r.errors).padStart(8)}${f(r.cpuUs ?? NaN, 10, 0)}`;
}

// ------------------------------------------------------------------ main

async function main() {
  const { values: args } = parseArgs({ options: { serve: { type: "string" }, keep: { type: "boolean", default: false } } });
  if (args.serve === "bare") return serveBare();
  if (args.serve === "api") return serveApi();

  const stamp = `${Date.now()}_${randomBytes(3).toString("hex")}`;
  const dbName = `frontdesk_bench_api_${stamp}`;
  const url = withDb(ADMIN_URL, dbName);
  const prefix = `bench:${stamp}:`;
  const children: ChildProcess[] = [];
  const t0 = Date.now();
  const loadAtStart = loadavg()[0]!;
  try {
    await sql(ADMIN_URL, `CREATE DATABASE "${dbName}"`);
    const migrated = spawnSync(process.execPath, ["--import", "tsx", "scripts/prisma.ts", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
    if (migrated.status !== 0) throw new Error(`migrating the bench database failed:\n${migrated.stdout}\n${migrated.stderr}`);
    const { businessId } = await seed(url);
    const key = await createKey(url, businessId);
    // Cursors for the varied-pages row: a different page per request, none read twice in a run.
    const cursors = (await sql(url, `SELECT id FROM "CallLog" WHERE "businessId" = $1 ORDER BY "startedAt" DESC, id DESC LIMIT 60000`, [businessId])).rows.map((r) => r.id as string);
    let nextCursor = 0;
    const variedPath = () => `/v1/calls?starting_after=${cursors[nextCursor++ % cursors.length]}`;
    console.log(`seeded ${CALLS.toLocaleString("en")} calls in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const env = {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATABASE_URL: url,
      DATABASE_POOL_MAX: "20",
      REDIS_URL,
      CACHE_PREFIX: prefix,
      APP_SECRET,
      PUBLIC_BASE_URL: "https://bench.invalid",
    };
    const [bare, api] = await Promise.all([startServer("bare", env), startServer("api", env)]);
    children.push(bare.child, api.child);
    const bareUrl = `http://127.0.0.1:${bare.port}/`;
    const apiUrl = `http://127.0.0.1:${api.port}/v1/calls`;
    const auth = { authorization: `Bearer ${key}` };

    const probe = await fetch(apiUrl, { headers: auth });
    const page = (await probe.json()) as { data?: unknown[] };
    if (probe.status !== 200 || page.data?.length !== 20) throw new Error(`GET /v1/calls answered ${probe.status}`);
    if (!probe.headers.get("ratelimit-policy")) throw new Error("GET /v1/calls is not rate limited");
    console.log(`GET /v1/calls: 200, 20 calls, RateLimit-Policy ${probe.headers.get("ratelimit-policy")}`);

    // Warm both up (JIT, connection pools, prepared plans).
    await load("warmup", bareUrl, 10, 2, {});
    await load("warmup", apiUrl, 10, 2, auth);

    const modes: Mode[] = canPin() ? ["pinned", "unpinned"] : ["unpinned"];
    if (modes.length === 1) console.log("taskset or a second CPU is missing: unpinned runs only");
    const summaries: string[] = [];
    for (const mode of modes) {
      placeProcesses(mode, [bare.child.pid!, api.child.pid!]);
      console.log(`\n${MODE_NOTE[mode]}`);
      const results: RunResult[] = [];
      console.log(`${"server".padEnd(16)}${"conns".padStart(6)}${"rate".padStart(8)}${"req/s".padStart(10)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p99 ms".padStart(9)}${"non2xx".padStart(8)}${"errors".padStart(8)}${"cpu µs/req".padStart(11)}`);
      for (const c of STEPS) {
        for (const [name, srv, target, headers] of [["bare express", bare, bareUrl, {}], ["api /v1/calls", api, apiUrl, auth]] as const) {
          const r = await measured(srv, () => load(name, target, c, SECONDS, headers));
          results.push(r);
          console.log(row(r));
        }
      }
      const varied = await measured(api, () => load("api varied pages", apiUrl, STEPS.at(-1)!, SECONDS, auth, variedPath));
      if (varied.non2xx) throw new Error(`varied pages: ${varied.non2xx} answers were not 2xx`);
      console.log(row(varied));
      const fixedRuns: RunResult[] = [];
      for (const rate of RATES) {
        const r = await measured(api, () => paced("api /v1/calls", apiUrl, rate, SECONDS * 2, auth));
        fixedRuns.push(r);
        console.log(row(r));
      }
      // The same schedule against bare Express: the load generator's own floor (it shares a
      // CPU with Postgres and Redis), beside which the API's fixed-rate latency is read.
      const bareFixed = await measured(bare, () => paced("bare express", bareUrl, RATE, SECONDS * 2, {}));
      console.log(row(bareFixed));
      const fixed = fixedRuns.at(-1)!;
      const withinTarget = fixedRuns.filter((r) => r.p95 <= 20 && r.rps >= (r.rate ?? 0) * 0.95).map((r) => r.rate);
      const bestBare = Math.max(...results.filter((r) => r.server === "bare express").map((r) => r.rps));
      const bestApi = Math.max(...results.filter((r) => r.server === "api /v1/calls").map((r) => r.rps));
      const ratio = bestApi / bestBare;
      console.log(`best throughput: api ${bestApi.toFixed(0)} req/s, bare express ${bestBare.toFixed(0)} req/s`);
      const cpuOf = (name: string) => Math.min(...results.filter((r) => r.server === name).map((r) => r.cpuUs ?? Infinity));
      console.log(`server CPU per request (least over the concurrency steps): api ${cpuOf("api /v1/calls").toFixed(0)} µs, bare express ${cpuOf("bare express").toFixed(0)} µs`);
      console.log(`server CPU per request, every request a different page (no cache hit): api ${(varied.cpuUs ?? NaN).toFixed(0)} µs at ${varied.connections} connections`);
      console.log(`fixed rates with p95 <= 20 ms: ${withinTarget.length ? withinTarget.join(", ") + " req/s" : "none"}`);
      console.log(`fixed rate ${RATE} req/s: achieved ${fixed.rps.toFixed(0)} req/s, p95 ${fixed.p95.toFixed(2)} ms (target <= 20 ms), non-2xx ${fixed.non2xx}; bare express on the same schedule: p95 ${bareFixed.p95.toFixed(2)} ms`);
      console.log(`targets: p95 <= 20 ms at ${RATE} req/s: ${fixed.p95 <= 20 && fixed.rps >= RATE * 0.95 ? "met" : "NOT met"}; throughput >= 0.5x bare express: ${ratio >= 0.5 ? "met" : "NOT met"}`);
      summaries.push(`api: p95 ${fixed.p95.toFixed(1)} ms at ${fixed.rps.toFixed(0)} req/s; throughput ratio to bare express ${ratio.toFixed(2)} (${mode})`);
    }
    console.log(`\nmachine: ${CPUS} CPUs; Postgres and Redis unpinned; load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (uptime: ${uptime()})`);
    for (const line of summaries) console.log(line);
  } finally {
    for (const c of children) {
      if (PROFILE_DIR) {
        c.kill("SIGTERM");
        await new Promise((r) => c.once("exit", r));
      } else c.kill("SIGKILL");
    }
    if (!args.keep) {
      await sql(ADMIN_URL, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
      const redis = new Redis(REDIS_URL);
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
      await redis.quit();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
