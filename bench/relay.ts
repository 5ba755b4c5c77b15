// npm run bench:relay — how many concurrent calls one relay process carries.
//
// N simulated phone calls send 20 ms μ-law frames in real time; the OpenAI Realtime
// stand-in echoes every frame back as agent audio; each call measures the round trip of
// its frames (phone -> relay -> model -> relay -> phone) and echoes the relay's marks as a
// phone would. For rising N it prints the round trip's p50/p99, frame loss, the relay's CPU
// per round-tripped frame and its memory per call, and the largest N that holds p99 <= 20 ms
// with no loss. The load generator and the model stand-in run in their own processes on the
// same cores, so the same run also measures a minimal pass-through relay (parse, forward,
// nothing else) as the floor, and reports the product relay's ratio to it.
//
// Roles (one file): the orchestrator (default), `relay` (the product: createRealtimeServer
// over the real voice webhook, signed stream and token, DB and Redis), `pass-through`, `model`.
//
// Knobs: BENCH_STEPS=50,100,... (the rising N), BENCH_FIXED=1 (run exactly those steps, no
// search: compare the two at the same N), BENCH_WARMUP_MS, BENCH_MEASURE_MS,
// BENCH_PROFILE=relay,pass-through (V8 CPU profile of each window to /tmp/relay-bench-profile),
// BENCH_PERF=1 with BENCH_NODE_ARGS=--perf-basic-prof (`perf record` of each window, at
// BENCH_PERF_FREQ samples a second, default 999),
// BENCH_RELAY_NODE_ARGS (node flags for the product relay only).
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import WebSocket, { WebSocketServer } from "ws";
import { benchBusiness, dialRelay, gcBetween, type GcTally, profileWindows, runRelay, serveUsage, sleep, spawn as spawnChild, type Child, PUBLIC_BASE_URL, AUTH_TOKEN } from "./relay-rig.ts";

const ROLE = process.argv[2] ?? "main";
const SELF = fileURLToPath(import.meta.url);
const FRAME_MS = 20;
const FRAME_BYTES = 160;
const P99_LIMIT_MS = 20;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_500);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 5_000);
/** Extra node flags for the product relay only (none by default, as `npm run start -w realtime`). */
const RELAY_NODE_ARGS = (process.env.BENCH_RELAY_NODE_ARGS ?? "").split(" ").filter(Boolean);

// ---------------------------------------------------------------- child: the model stand-in

async function runModel() {
  const { startRealtimeStandIn } = await import("../test/stand-ins/openai-realtime.ts");
  const model = await startRealtimeStandIn({ echo: true });
  serveUsage();
  await profileWindows("model");
  process.send!({ type: "ready", url: model.url });
}

// ---------------------------------------------------------------- child: the pass-through floor

/** Parse, forward, nothing else: what any relay has to do at the least. */
async function runPassThrough() {
  const modelUrl = process.env.OPENAI_REALTIME_URL!;
  const server = createServer();
  const wss = new WebSocketServer({ server, path: "/twilio/stream", perMessageDeflate: false, skipUTF8Validation: true });
  wss.on("connection", (twilio) => {
    let streamSid = "";
    let model: WebSocket | undefined;
    twilio.on("message", (data: Buffer) => {
      const msg = JSON.parse(data.toString());
      if (msg.event === "start") {
        streamSid = msg.start.streamSid;
        model = new WebSocket(`${modelUrl}?model=gpt-realtime`, { headers: { Authorization: "Bearer x" }, perMessageDeflate: false, skipUTF8Validation: true });
        model.on("message", (d: Buffer) => {
          const e = JSON.parse(d.toString());
          if (e.type === "response.output_audio.delta") twilio.send(JSON.stringify({ event: "media", streamSid, media: { payload: e.delta } }));
        });
        model.on("error", () => {});
      } else if (msg.event === "media" && model?.readyState === WebSocket.OPEN) {
        model.send(JSON.stringify({ type: "input_audio_buffer.append", audio: msg.media.payload }));
      } else if (msg.event === "stop") model?.close();
    });
    twilio.on("close", () => model?.close());
    twilio.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  serveUsage();
  await profileWindows("pass-through");
  process.send!({ type: "ready", port: typeof a === "object" && a ? a.port : 0 });
}

// ---------------------------------------------------------------- the load generator

const spawn = (role: string, env: Record<string, string>) => spawnChild(SELF, role, env, role === "relay" ? RELAY_NODE_ARGS : []);

const SEQ_SLOTS = 4096;

/** One simulated phone call: sends a frame every 20 ms, times each frame's echo. */
class BenchCall {
  readonly streamSid = "MZ" + Math.random().toString(16).slice(2).padEnd(32, "0");
  private seq = 0;
  private sentAt = new Float64Array(SEQ_SLOTS);
  private frame = Buffer.alloc(FRAME_BYTES, 0xff);
  private prefix: string;
  private open = false;
  sent = 0;
  received = 0;
  rtts: number[] = [];
  /** Frames with seq in [windowStart, windowEnd] are measured. */
  windowStart = 0;
  windowEnd = Number.MAX_SAFE_INTEGER;
  echoedInWindow = 0;

  /** The measurement window opens with the next frame. */
  openWindow() {
    this.windowStart = this.seq + 1;
  }
  /** ... and closes after the last frame sent so far. */
  closeWindow() {
    this.windowEnd = this.seq;
  }
  get sentInWindow() {
    return this.windowStart > 0 ? Math.max(0, this.windowEnd - this.windowStart + 1) : 0;
  }

  constructor(readonly ws: WebSocket) {
    this.prefix = `{"event":"media","streamSid":"${this.streamSid}","media":{"track":"inbound","chunk":"`;
    ws.on("message", (data: Buffer) => this.onMessage(data));
    ws.on("error", () => {});
  }

  start(callSid: string, token: string) {
    this.open = true;
    this.ws.send(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }));
    this.ws.send(JSON.stringify({
      event: "start", sequenceNumber: "1", streamSid: this.streamSid,
      start: { streamSid: this.streamSid, accountSid: "AC" + "0".repeat(32), callSid, tracks: ["inbound"], customParameters: { token }, mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 } },
    }));
  }

  sendFrame() {
    if (!this.open || this.ws.readyState !== WebSocket.OPEN) return;
    const seq = ++this.seq;
    this.frame.writeUInt32BE(seq, 0);
    const payload = this.frame.toString("base64");
    this.sentAt[seq % SEQ_SLOTS] = performance.now();
    this.ws.send(`${this.prefix}${seq}","timestamp":"${seq * FRAME_MS}","payload":"${payload}"},"sequenceNumber":"${seq + 1}"}`);
    this.sent++;
  }

  private onMessage(data: Buffer) {
    const text = data.toString();
    if (text.startsWith('{"event":"mark"')) {
      const name = /"name":"([^"]*)"/.exec(text)![1];
      this.ws.send(`{"event":"mark","streamSid":"${this.streamSid}","mark":{"name":"${name}"}}`);
      return;
    }
    const at = text.indexOf('"payload":"');
    if (at === -1) return;
    const audio = Buffer.from(text.slice(at + 11, text.indexOf('"', at + 11)), "base64");
    const now = performance.now();
    for (let i = 0; i + FRAME_BYTES <= audio.length; i += FRAME_BYTES) {
      const seq = audio.readUInt32BE(i);
      this.received++;
      if (this.windowStart > 0 && seq >= this.windowStart && seq <= this.windowEnd) {
        this.rtts.push(now - this.sentAt[seq % SEQ_SLOTS]!);
        this.echoedInWindow++;
      }
    }
  }

  hangUp() {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ event: "stop", streamSid: this.streamSid, stop: {} }));
      this.ws.close();
    }
    this.open = false;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface StepResult {
  n: number;
  p50: number;
  p99: number;
  loss: number;
  cpuUsPerFrame: number;
  sysShare: number;
  /** RSS with the calls up over RSS before the first call, per call (V8's own growth included). */
  rssPerCallKb: number;
  /** JS heap and buffers the calls held, per call (with them up vs after they ended). */
  heapPerCallKb: number;
  frames: number;
  /** The process's collections in the window. */
  gc: GcTally;
}

interface Target {
  name: string;
  /** RSS before the first call (after a collection). */
  baselineRss?: number;
  port: number;
  child: Child;
  /** Dials one call; returns its callSid and stream token (the product path needs the webhook). */
  dial(): Promise<{ callSid: string; token: string; signature: string }>;
}

async function openCall(target: Target): Promise<BenchCall> {
  const { callSid, token, signature } = await target.dial();
  const ws = new WebSocket(`ws://127.0.0.1:${target.port}/twilio/stream`, { headers: { "x-twilio-signature": signature }, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const call = new BenchCall(ws);
  call.start(callSid, token);
  return call;
}

async function runStep(target: Target, n: number): Promise<StepResult> {
  target.baselineRss ??= (await target.child.usage()).rss;
  const calls: BenchCall[] = [];
  for (let i = 0; i < n; i += 10) calls.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => openCall(target)))));

  // Each call sends on its own phase of the 20 ms period, as independent phones would.
  const PHASES = 10;
  const groups = Array.from({ length: PHASES }, (_, p) => calls.filter((_, i) => i % PHASES === p));
  const t0 = performance.now();
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    const due = t0 + tick * (FRAME_MS / PHASES);
    timer = setTimeout(() => {
      for (const c of groups[tick % PHASES]!) c.sendFrame();
      tick++;
      schedule();
    }, Math.max(0, due - performance.now()));
  };
  schedule();

  await sleep(WARMUP_MS);
  for (const c of calls) c.openWindow();
  target.child.proc.send({ type: "gc-reset" });
  const before = await target.child.cpu();
  target.child.proc.send({ type: "window-open" });
  // BENCH_PERF=1: `perf record` the child over the window (run with BENCH_NODE_ARGS=--perf-basic-prof for JS names).
  const perf = process.env.BENCH_PERF === "1"
    ? (await import("node:child_process")).spawn("perf", ["record", "-F", process.env.BENCH_PERF_FREQ ?? "999", "-g", "-o", `/tmp/perf-${target.name}-${n}.data`, "-p", String(target.child.proc.pid), "--", "sleep", String(MEASURE_MS / 1000)], { stdio: "ignore" })
    : undefined;
  await sleep(MEASURE_MS);
  if (perf) await new Promise((r) => perf.once("exit", r));
  target.child.proc.send({ type: "window-close" });
  const after = await target.child.cpu();
  for (const c of calls) c.closeWindow();
  await sleep(500); // echoes still in flight at the window's end
  // Sampled after the window: the collection it forces pauses the process.
  const loaded = await target.child.usage();
  clearTimeout(timer);

  const rtts = calls.flatMap((c) => c.rtts).sort((a, b) => a - b);
  const sentInWindow = calls.reduce((s, c) => s + c.sentInWindow, 0);
  const echoed = calls.reduce((s, c) => s + c.echoedInWindow, 0);
  const cpuUs = after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs;
  for (const c of calls) c.hangUp();
  await sleep(1_000); // let the relay finish the calls before the next step
  // Memory the calls held: with them up, less after they ended (the heap's own growth stays).
  const ended = await target.child.usage();
  return {
    n,
    p50: percentile(rtts, 50),
    p99: percentile(rtts, 99),
    loss: sentInWindow > 0 ? Math.max(0, 1 - echoed / sentInWindow) : 1,
    cpuUsPerFrame: echoed > 0 ? cpuUs / echoed : NaN,
    sysShare: cpuUs > 0 ? (after.cpuSystemUs - before.cpuSystemUs) / cpuUs : 0,
    rssPerCallKb: (loaded.rss - target.baselineRss!) / 1024 / n,
    heapPerCallKb: (loaded.heap - ended.heap) / 1024 / n,
    frames: echoed,
    gc: gcBetween(before.gc, after.gc),
  };
}

const holds = (r: StepResult) => r.p99 <= P99_LIMIT_MS && r.loss === 0;

function printRow(name: string, r: StepResult) {
  const pad = (s: string, w: number) => s.padStart(w);
  console.log(
    [
      pad(name, 14), pad(String(r.n), 5), pad(r.p50.toFixed(2), 8), pad(r.p99.toFixed(2), 8), pad((r.loss * 100).toFixed(2) + "%", 7),
      pad(r.cpuUsPerFrame.toFixed(1), 9), pad(`${Math.round(r.sysShare * 100)}%`, 5), pad(r.rssPerCallKb.toFixed(0), 8), pad(r.heapPerCallKb.toFixed(0), 9), pad(holds(r) ? "yes" : "no", 5),
      pad(`${r.gc.young}/${r.gc.old}`, 7), pad(r.gc.pauseMs.toFixed(0), 6), pad(r.gc.maxPauseMs.toFixed(1), 6),
    ].join(" "),
  );
}

/**
 * Rises in coarse steps until a step fails, then halves the gap twice — for every target
 * at once, taking turns at each N, so a change in the machine's background load touches
 * the floor and the product alike.
 */
async function findMax(targets: Target[], coarse: number[]): Promise<Map<Target, { max: number; results: StepResult[] }>> {
  const state = new Map(targets.map((t) => [t, { pass: 0, fail: undefined as number | undefined, results: [] as StepResult[] }]));
  // BENCH_FIXED=1: run exactly the listed steps (for comparing the two at the same N).
  const fixed = process.env.BENCH_FIXED === "1";
  const step = async (t: Target, n: number) => {
    const s = state.get(t)!;
    let r = await runStep(t, n);
    printRow(t.name, r);
    // Other work on the machine can stall any process for a moment: a failed step gets one
    // more try (the same for the floor and the product) before it counts.
    if (!holds(r) && !fixed) {
      r = await runStep(t, n);
      printRow(t.name + " ↻", r);
    }
    s.results.push(r);
    if (holds(r)) s.pass = Math.max(s.pass, n);
    else s.fail = Math.min(s.fail ?? Infinity, n);
  };
  for (const n of coarse) {
    const rising = targets.filter((t) => fixed || state.get(t)!.fail === undefined);
    if (rising.length === 0) break;
    for (const t of rising) await step(t, n);
  }
  for (let i = 0; i < (fixed ? 0 : 2); i++) {
    for (const t of targets) {
      const s = state.get(t)!;
      if (s.fail !== undefined && s.fail - s.pass > 10) await step(t, Math.round((s.pass + s.fail) / 2));
    }
  }
  return new Map([...state].map(([t, s]) => [t, { max: s.pass, results: s.results }]));
}

async function main() {
  const started = performance.now();
  const bench = await benchBusiness();
  const { phone } = bench.business;

  const model = await spawn("model", {});
  const modelUrl = String(model.ready.url);
  const env = {
    OPENAI_API_KEY: "sk-bench", OPENAI_REALTIME_URL: modelUrl, PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    MAX_CALLS_PER_INSTANCE: "5000", LOG_LEVEL: "error",
  };
  // The bench business is on the enterprise plan: 500 concurrent calls at most.
  const coarse = (process.env.BENCH_STEPS ?? "50,100,150,200,250,300,350,400,450,500").split(",").map(Number).filter((n) => n > 0 && n <= 500);

  console.log(`relay benchmark: 20 ms μ-law frames both ways, model echoes; warm-up ${WARMUP_MS} ms, measure ${MEASURE_MS} ms per step; ${(await import("node:os")).cpus().length} cores`);
  console.log(["       variant", "calls", " p50 ms", " p99 ms", "   loss", "cpu µs/fr", " sys", "RSS/call", "heap/call", " ok?", "gc y/o", "gc ms", "gc max"].map((s, i) => s.padStart([14, 5, 8, 8, 7, 9, 5, 8, 9, 5, 7, 6, 6][i]!)).join(" ") + "   (memory per call in KB; collections in the window: young/old, total and longest pause)");

  const passThroughChild = await spawn("pass-through", env);
  const passThrough: Target = {
    name: "pass-through",
    port: Number(passThroughChild.ready.port),
    child: passThroughChild,
    dial: async () => ({ callSid: "CA" + Math.random().toString(16).slice(2).padEnd(32, "0"), token: "", signature: "" }),
  };
  const relayChild = await spawn("relay", env);
  const relayPort = Number(relayChild.ready.port);
  const relay: Target = {
    name: "relay",
    port: relayPort,
    child: relayChild,
    dial: () => dialRelay(relayPort, phone.e164),
  };
  const found = await findMax([passThrough, relay], coarse);
  const floor = found.get(passThrough)!;
  const product = found.get(relay)!;
  await passThroughChild.stop();
  await relayChild.stop();
  await model.stop();
  await bench.close();

  const atFloor = (rs: StepResult[]) => rs.filter(holds).at(-1);
  const f = atFloor(floor.results);
  const p = atFloor(product.results);
  console.log("");
  if (f && p) {
    console.log(`per round-tripped frame at the largest passing N: relay ${p.cpuUsPerFrame.toFixed(1)} µs (${Math.round(p.sysShare * 100)}% kernel), pass-through ${f.cpuUsPerFrame.toFixed(1)} µs (${Math.round(f.sysShare * 100)}% kernel)`);
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const ratio = floor.max > 0 ? product.max / floor.max : 0;
  console.log(`relay: max calls at p99<=20ms: ${product.max} (pass-through: ${floor.max}, ratio ${ratio.toFixed(2)})`);
  process.exit(0);
}

const roles: Record<string, () => Promise<void>> = { main, model: runModel, relay: () => runRelay(), "pass-through": runPassThrough };
const role = roles[ROLE];
if (!role) {
  console.error(`unknown role ${ROLE}`);
  process.exit(2);
}
role().catch((err) => {
  console.error(err);
  process.exit(1);
});
