// What the relay benchmarks share: the product relay and the model stand-in as child
// processes of the load generator (so each is measured on its own), their CPU and memory
// over IPC, optional CPU profiles of a measurement window, and a throwaway database with a
// business to call. Used by bench/relay.ts and bench/soak.ts.
import { fork, type ChildProcess } from "node:child_process";

export const AUTH_TOKEN = "bench-twilio-auth-token";
export const PUBLIC_BASE_URL = "https://relay.bench.test";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Usage = {
  cpuUserUs: number;
  cpuSystemUs: number;
  rss: number;
  heap: number;
  /** Garbage collections so far: young-generation (scavenges) and the rest, and their pauses. */
  gc: GcTally;
};
export type GcTally = { young: number; old: number; pauseMs: number; maxPauseMs: number };

const gcTally: GcTally = { young: 0, old: 0, pauseMs: 0, maxPauseMs: 0 };
let gcObserved = false;
/** Counts the process's collections from here on (a PerformanceObserver: no flags needed). */
async function observeGc(): Promise<void> {
  if (gcObserved) return;
  gcObserved = true;
  const { PerformanceObserver, constants } = await import("node:perf_hooks");
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcTally.young++;
      else gcTally.old++;
      gcTally.pauseMs += e.duration;
      gcTally.maxPauseMs = Math.max(gcTally.maxPauseMs, e.duration);
    }
  }).observe({ entryTypes: ["gc"] });
}

/** Collections between two readings (the largest pause: since the last `gc-reset`). */
export function gcBetween(a: GcTally, b: GcTally): GcTally {
  return { young: b.young - a.young, old: b.old - a.old, pauseMs: b.pauseMs - a.pauseMs, maxPauseMs: b.maxPauseMs };
}

export function usage(): Usage {
  const c = process.cpuUsage();
  // Collect first (children run with --expose-gc), so RSS counts what calls keep, not garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { cpuUserUs: c.user, cpuSystemUs: c.system, rss: m.rss, heap: m.heapUsed + m.external, gc: { ...gcTally } };
}

/** BENCH_PROFILE=relay (or pass-through, model): a V8 CPU profile of each measurement window. */
export async function profileWindows(role: string): Promise<void> {
  if (!(process.env.BENCH_PROFILE ?? "").split(",").includes(role)) return;
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync, mkdirSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  let n = 0;
  process.on("message", async (m: { type?: string }) => {
    if (m?.type === "window-open") await session.post("Profiler.start");
    if (m?.type === "window-close") {
      const { profile } = await session.post("Profiler.stop");
      mkdirSync("/tmp/relay-bench-profile", { recursive: true });
      writeFileSync(`/tmp/relay-bench-profile/${role}-${++n}.cpuprofile`, JSON.stringify(profile));
    }
  });
}

/** A child answers `usage`/`cpu` questions and any `extra` ones, and exits with its parent. */
export function serveUsage(extra: Record<string, () => unknown> = {}): void {
  // A child outlives no orchestrator: when the IPC channel goes, so does the child.
  process.on("disconnect", () => process.exit(0));
  void observeGc();
  process.on("message", (m: { type?: string }) => {
    if (m?.type === "usage") process.send!({ type: "usage", usage: usage() });
    if (m?.type === "cpu") {
      const c = process.cpuUsage();
      process.send!({ type: "usage", usage: { cpuUserUs: c.user, cpuSystemUs: c.system, rss: 0, heap: 0, gc: { ...gcTally } } });
    }
    if (m?.type === "gc-reset") gcTally.maxPauseMs = 0;
    if (m?.type && extra[m.type]) process.send!({ type: m.type, value: extra[m.type]!() });
    if (m?.type === "exit") process.exit(0);
  });
}

/** Child role: the product relay (createRealtimeServer on the real DB and Redis). */
export async function runRelay(extra: (relay: import("@frontdesk/realtime/server").RealtimeServer) => Record<string, () => unknown> = () => ({})): Promise<void> {
  const { loadConfig } = await import("@frontdesk/core/config/env");
  const { createDb } = await import("@frontdesk/core/db/client");
  const { createCache } = await import("@frontdesk/core/cache/index");
  const { createLogger } = await import("@frontdesk/core/observability/logger");
  const { createKnowledgeSearch } = await import("@frontdesk/core/knowledge/knowledge-search");
  const { createRealtimeServer } = await import("@frontdesk/realtime/server");
  const config = loadConfig();
  const db = createDb({ url: config.databaseUrl!, poolMax: 10 });
  const cache = createCache(config);
  const relay = createRealtimeServer({ config, db, cache, logger: createLogger("realtime", "error"), knowledge: createKnowledgeSearch({ db }) });
  const { port } = await relay.listen(0, "127.0.0.1");
  serveUsage(extra(relay));
  await profileWindows("relay");
  process.send!({ type: "ready", port });
}

export interface Child {
  proc: ChildProcess;
  ready: Record<string, unknown>;
  /** CPU time, and RSS after a full collection. */
  usage(): Promise<Usage>;
  /** CPU time and collections so far (no collection forced, which would count against the window). */
  cpu(): Promise<Usage>;
  /** One of the child's `extra` answers. */
  ask<T>(type: string): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `script` in `role`, with extra node flags from BENCH_NODE_ARGS (and `nodeArgs`). */
export async function spawn(script: string, role: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  const extra = [...(process.env.BENCH_NODE_ARGS ?? "").split(" "), ...nodeArgs].filter(Boolean);
  const proc = fork(script, [role], { execArgv: ["--import", "tsx", "--expose-gc", ...extra], env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${role} exited with ${code}`)));
    proc.on("message", (m: { type?: string }) => m?.type === "ready" && resolve(m as Record<string, unknown>));
  });
  const ask = <T>(type: string, field: "usage" | "value") =>
    new Promise<T>((resolve) => {
      const reply = field === "usage" ? "usage" : type;
      const on = (m: { type?: string; usage?: Usage; value?: unknown }) => {
        if (m?.type !== reply) return;
        proc.off("message", on);
        resolve((field === "usage" ? m.usage : m.value) as T);
      };
      proc.on("message", on);
      proc.send({ type });
    });
  return {
    proc,
    ready,
    usage: () => ask<Usage>("usage", "usage"),
    cpu: () => ask<Usage>("cpu", "usage"),
    ask: <T>(type: string) => ask<T>(type, "value"),
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        // Asked to exit, so a profiled process writes its profile; killed if it does not.
        const kill = setTimeout(() => proc.kill("SIGKILL"), 5_000);
        proc.once("exit", () => (clearTimeout(kill), resolve()));
        proc.send({ type: "exit" });
      }),
  };
}

/** A throwaway database migrated like the tests', and an enterprise business to call. */
export async function benchBusiness() {
  const setup = (await import("../test/support/global-setup.ts")).default;
  const teardown = await setup();
  process.env.LOG_LEVEL = "error";
  const { createDb } = await import("@frontdesk/core/db/client");
  const { createTestBusiness } = await import("../test/support/fixtures.ts");
  const db = createDb({ url: process.env.DATABASE_URL!, poolMax: 4 });
  const business = await createTestBusiness(db, { name: "Bench Co", plan: "enterprise" });
  return {
    db,
    business,
    async close() {
      await db.$disconnect();
      await teardown();
    },
  };
}

/** Answers the relay's voice webhook as Twilio would; returns the stream's token and signature. */
export async function dialRelay(relayPort: number, to: string): Promise<{ callSid: string; token: string; signature: string }> {
  const { getExpectedTwilioSignature } = await import("twilio/lib/webhooks/webhooks.js");
  const callSid = "CA" + [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const params = { AccountSid: "AC" + "0".repeat(32), CallSid: callSid, CallStatus: "ringing", Direction: "inbound", From: "+15550001234", To: to };
  const res = await fetch(`http://127.0.0.1:${relayPort}/twilio/voice`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL + "/twilio/voice", params) },
    body: new URLSearchParams(params).toString(),
  });
  const twiml = await res.text();
  const token = /<Parameter name="token" value="([^"]+)"/.exec(twiml)?.[1];
  if (!token) throw new Error(`the relay did not connect the call: ${twiml}`);
  const streamUrl = PUBLIC_BASE_URL.replace("https", "wss") + "/twilio/stream";
  return { callSid, token, signature: getExpectedTwilioSignature(AUTH_TOKEN, streamUrl, {}) };
}
