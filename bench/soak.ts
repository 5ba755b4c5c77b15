// npm run bench:soak — the product relay under steady call churn for a long stretch.
//
// SOAK_CALLS (default 150) simulated phones stay on the line at once for SOAK_MINUTES
// (default 10): each dials through the signed voice webhook, streams 20 ms μ-law frames in
// real time, plays the agent's audio at real-time pace and echoes its marks, talks in
// bursts — often over the agent (barge-ins) — and hangs up after 20–40 s, when a new call
// takes its place. The model stand-in answers every turn in real time. After a warm-up
// (SOAK_WARMUP_MINUTES, default a fifth of the run) it measures the relay's RSS growth, the
// p99 of its event-loop delay (how long any frame can wait in the relay), and errors; over
// the whole run, the caller audio that did not reach the model; at the end, with every call over, it counts
// the sockets and timers the relay still holds beyond its idle baseline (leaks).
//
// Ends with: `soak: N calls over M min: RSS growth X%, p99 Y ms, loss Z%, errors E`.
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import WebSocket from "ws";
import { AUTH_TOKEN, benchBusiness, dialRelay, PUBLIC_BASE_URL, runRelay, serveUsage, sleep, spawn } from "./relay-rig.ts";

const SELF = fileURLToPath(import.meta.url);
const CALLS = Number(process.env.SOAK_CALLS ?? 150);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? MINUTES / 5);
const FRAME_MS = 20;
const FRAME_BYTES = 160;
const SILENCE = 0xff;

// ---------------------------------------------------------------- child: the model stand-in

async function runModel() {
  const { startRealtimeStandIn } = await import("../test/stand-ins/openai-realtime.ts");
  const replies = ["Sure, we're open from nine until six on weekdays and ten until four on Saturdays.", "Yes, that's something we can help you with, just let me know a good time.", "Of course, I can take a message and have someone call you back this afternoon."];
  const model = await startRealtimeStandIn({
    speedup: 1, // real time, like the API's pacing once it is ahead
    callerTurns: Array.from({ length: 200 }, (_, i) => `Question number ${i + 1}.`),
    reply: ({ index }) => ({ say: replies[index % replies.length]! }),
    lateDeltasAfterCancel: 2,
  });
  let inputBytes = 0;
  let errors = 0;
  // A finished connection is counted and let go: the stand-in keeps everything it heard.
  const prune = () => {
    for (let i = model.connections.length - 1; i >= 0; i--) {
      const c = model.connections[i]!;
      if (c.ws.readyState !== WebSocket.CLOSED) continue;
      inputBytes += c.inputAudio.reduce((n, b) => n + b.length, 0);
      errors += c.errors.filter((e) => e.error?.code !== "response_cancel_not_active").length;
      model.connections.splice(i, 1);
    }
  };
  setInterval(prune, 5_000).unref();
  serveUsage({
    totals: () => {
      prune();
      const live = model.connections.reduce((n, c) => n + c.inputAudio.reduce((m, b) => m + b.length, 0), 0);
      return { inputBytes: inputBytes + live, errors };
    },
  });
  process.send!({ type: "ready", url: model.url });
}

// ---------------------------------------------------------------- child: the product relay

async function runSoakRelay() {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const resources = () => {
    const counts: Record<string, number> = {};
    for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
    return counts;
  };
  await runRelay((relay) => ({
    "delay-reset": () => delay.reset(),
    delay: () => ({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 }),
    resources,
    live: () => relay.liveCalls,
  }));
}

// ---------------------------------------------------------------- the phones

const speech = (() => {
  // A second of loud, speech-like μ-law (the stand-in's VAD hears it), sliced per frame.
  const b = Buffer.alloc(8000);
  let seed = 7;
  for (let i = 0; i < b.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const v = Math.sin(i / 3) * 6000 + ((seed / 2 ** 31) - 0.5) * 4000;
    b[i] = linearToMulaw(v);
  }
  return b;
})();

function linearToMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const s = Math.min(Math.abs(Math.round(sample)), 32_635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  return ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
}

interface Tally {
  calls: number;
  sentBytes: number;
  errors: number;
  errorKinds: Record<string, number>;
}

/** One phone: real-time frames out, agent audio played at real-time pace, marks echoed. */
class SoakPhone {
  readonly streamSid = "MZ" + Math.random().toString(16).slice(2).padEnd(32, "0");
  private queue: ({ bytes: number } | { mark: string })[] = [];
  private chunk = 0;
  private talkFrames = 0;
  private nextTalkAt: number;
  private readonly endAt: number;
  private readonly silence = Buffer.alloc(FRAME_BYTES, SILENCE).toString("base64");
  done = false;

  constructor(
    readonly ws: WebSocket,
    private readonly tally: Tally,
    now: number,
  ) {
    this.endAt = now + 20_000 + Math.random() * 20_000;
    this.nextTalkAt = now + 2_000 + Math.random() * 2_000;
    ws.on("message", (data: Buffer) => this.onMessage(data));
    ws.on("close", () => {
      if (!this.done) this.fail("stream closed by the relay");
      this.done = true;
    });
    ws.on("error", () => {});
  }

  start(callSid: string, token: string) {
    this.ws.send(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }));
    this.ws.send(JSON.stringify({
      event: "start", sequenceNumber: "1", streamSid: this.streamSid,
      start: { streamSid: this.streamSid, accountSid: "AC" + "0".repeat(32), callSid, tracks: ["inbound"], customParameters: { token }, mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 } },
    }));
  }

  /** 20 ms of the call: play agent audio, send a frame, maybe start talking or hang up. */
  tick(now: number) {
    if (this.done || this.ws.readyState !== WebSocket.OPEN) return;
    if (now >= this.endAt) return this.hangUp();
    this.play(FRAME_BYTES);
    if (this.talkFrames === 0 && now >= this.nextTalkAt) {
      this.talkFrames = 25 + Math.floor(Math.random() * 25); // 0.5–1 s of speech
      this.nextTalkAt = now + 3_000 + Math.random() * 4_000;
    }
    let payload = this.silence;
    if (this.talkFrames > 0) {
      const at = (this.talkFrames-- * FRAME_BYTES) % (speech.length - FRAME_BYTES);
      payload = speech.toString("base64", at, at + FRAME_BYTES);
    }
    const n = ++this.chunk;
    this.ws.send(`{"event":"media","streamSid":"${this.streamSid}","media":{"track":"inbound","chunk":"${n}","timestamp":"${n * FRAME_MS}","payload":"${payload}"}}`);
    this.tally.sentBytes += FRAME_BYTES;
  }

  hangUp() {
    this.done = true;
    this.ws.send(JSON.stringify({ event: "stop", streamSid: this.streamSid, stop: {} }));
    this.ws.close(1000);
  }

  private fail(kind: string) {
    this.tally.errors++;
    this.tally.errorKinds[kind] = (this.tally.errorKinds[kind] ?? 0) + 1;
  }

  private play(bytes: number) {
    while (this.queue.length) {
      const head = this.queue[0]!;
      if ("mark" in head) {
        this.ws.send(`{"event":"mark","streamSid":"${this.streamSid}","mark":{"name":"${head.mark}"}}`);
        this.queue.shift();
        continue;
      }
      if (bytes === 0) return;
      const take = Math.min(bytes, head.bytes);
      head.bytes -= take;
      bytes -= take;
      if (head.bytes === 0) this.queue.shift();
    }
  }

  private onMessage(data: Buffer) {
    const msg = JSON.parse(data.toString("latin1")) as { event: string; streamSid?: string; media?: { payload: string }; mark?: { name: string } };
    if (msg.streamSid !== this.streamSid) return this.fail("wrong streamSid");
    if (msg.event === "media") this.queue.push({ bytes: Buffer.byteLength(msg.media!.payload, "base64") });
    else if (msg.event === "mark") this.queue.push({ mark: msg.mark!.name });
    else if (msg.event === "clear") {
      // Twilio drops the queued audio and echoes the marks that were waiting on it.
      const marks = this.queue.filter((e): e is { mark: string } => "mark" in e);
      this.queue = marks;
    }
  }
}

// ---------------------------------------------------------------- the orchestrator

async function main() {
  const bench = await benchBusiness();
  const model = await spawn(SELF, "model", {});
  const env = {
    OPENAI_API_KEY: "sk-bench", OPENAI_REALTIME_URL: String(model.ready.url), PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    MAX_CALLS_PER_INSTANCE: "5000", LOG_LEVEL: "error",
  };
  const relay = await spawn(SELF, "relay", env);
  const port = Number(relay.ready.port);
  const to = bench.business.phone.e164;
  console.log(`soak: ${CALLS} concurrent calls for ${MINUTES} min (warm-up ${WARMUP_MINUTES} min), model answering in real time, callers talking over it; ${(await import("node:os")).cpus().length} cores`);

  await sleep(1_000);
  const idle = await relay.ask<Record<string, number>>("resources");
  const tally: Tally = { calls: 0, sentBytes: 0, errors: 0, errorKinds: {} };
  const phones = new Set<SoakPhone>();
  let dialling = 0;
  let stopping = false;
  /** How many calls were up, sampled every tick once warm (the load actually carried). */
  const up = { measuring: false, samples: 0, sum: 0, min: Infinity };
  const dial = async () => {
    dialling++;
    try {
      const { callSid, token, signature } = await dialRelay(port, to);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/twilio/stream`, { headers: { "x-twilio-signature": signature }, perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      const phone = new SoakPhone(ws, tally, performance.now());
      phone.start(callSid, token);
      phones.add(phone);
      tally.calls++;
    } catch (err) {
      tally.errors++;
      const kind = `dial: ${(err as Error).message.slice(0, 80)}`;
      tally.errorKinds[kind] = (tally.errorKinds[kind] ?? 0) + 1;
    } finally {
      dialling--;
    }
  };

  // One clock for every phone, each on its own phase of the 20 ms period.
  const t0 = performance.now();
  const PHASES = 10;
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      const now = performance.now();
      const phase = tick % PHASES;
      let i = 0;
      for (const p of phones) {
        if (p.done) phones.delete(p);
        else if (i++ % PHASES === phase) p.tick(now);
      }
      // Keep the line full: a call that ended makes room for the next (a few dials at a time).
      if (!stopping) for (let k = phones.size + dialling; k < CALLS && dialling < 10; k++) void dial();
      if (up.measuring && phase === 0) {
        up.samples++;
        up.sum += phones.size;
        up.min = Math.min(up.min, phones.size);
      }
      tick++;
      schedule();
    }, Math.max(0, t0 + tick * (FRAME_MS / PHASES) - performance.now()));
  };
  schedule();

  const warmupMs = WARMUP_MINUTES * 60_000;
  const totalMs = MINUTES * 60_000;
  await sleep(warmupMs);
  const warm = await relay.usage();
  await relay.ask("delay-reset");
  up.measuring = true;
  for (let at = warmupMs; at < totalMs; at += 60_000) {
    await sleep(Math.min(60_000, totalMs - at));
    const u = await relay.usage();
    console.log(
      `  ${((at + Math.min(60_000, totalMs - at)) / 60_000).toFixed(1)} min: ${phones.size} calls up, ${tally.calls} so far, relay RSS ${(u.rss / 2 ** 20).toFixed(0)} MB ` +
        `(warm ${(warm.rss / 2 ** 20).toFixed(0)} MB), heap after a collection ${(u.heap / 2 ** 20).toFixed(1)} MB (warm ${(warm.heap / 2 ** 20).toFixed(1)} MB), errors ${tally.errors}`,
    );
  }
  const end = await relay.usage();
  const delay = await relay.ask<{ p99: number; max: number }>("delay");

  // Wind down: every call hangs up; what reached the model is compared with what was sent.
  up.measuring = false;
  stopping = true;
  while (dialling > 0) await sleep(50);
  for (const p of phones) if (!p.done) p.hangUp();
  await sleep(1_500);
  clearTimeout(timer);
  // Over the whole run, every call over: each frame a phone sent should have reached the model.
  const sentBytes = tally.sentBytes;
  const totals = await model.ask<{ inputBytes: number; errors: number }>("totals");
  const lost = Math.max(0, sentBytes - totals.inputBytes);
  for (let i = 0; i < 20 && (await relay.ask<number>("live")) > 0; i++) await sleep(500);
  // The database pool closes its idle connections (and their timers) after 10 s: what is
  // still there after 30 s was left behind by calls.
  let after = await relay.ask<Record<string, number>>("resources");
  const leaked = (kind: string) => Math.max(0, (after[kind] ?? 0) - (idle[kind] ?? 0));
  for (let i = 0; i < 30 && leaked("TCPSocketWrap") + leaked("Timeout") > 0; i++) {
    await sleep(1_000);
    after = await relay.ask<Record<string, number>>("resources");
  }
  const sockets = leaked("TCPSocketWrap");
  const timers = leaked("Timeout");
  const errors = tally.errors + totals.errors;
  await relay.stop();
  await model.stop();
  await bench.close();

  const growth = ((end.rss - warm.rss) / warm.rss) * 100;
  if (Object.keys(tally.errorKinds).length) console.log(`  errors: ${JSON.stringify(tally.errorKinds)}; model refusals ${totals.errors}`);
  console.log(`  calls up at once after warm-up: mean ${(up.sum / Math.max(1, up.samples)).toFixed(0)}, least ${up.samples ? up.min : 0} (of ${CALLS})`);
  console.log(`  relay event-loop delay after warm-up: p99 ${delay.p99.toFixed(1)} ms, max ${delay.max.toFixed(1)} ms`);
  console.log(`  left behind once every call ended: ${sockets} sockets, ${timers} timers (idle baseline ${JSON.stringify(idle)}, now ${JSON.stringify(after)})`);
  console.log(
    `soak: ${tally.calls} calls over ${MINUTES} min: RSS growth ${growth.toFixed(1)}%, p99 ${delay.p99.toFixed(1)} ms, ` +
      `loss ${((lost / Math.max(1, sentBytes)) * 100).toFixed(2)}%, errors ${errors}, leaked sockets ${sockets}, timers ${timers}`,
  );
  process.exit(0);
}

const roles: Record<string, () => Promise<void>> = { main, model: runModel, relay: runSoakRelay };
const role = roles[process.argv[2] ?? "main"];
if (!role) {
  console.error(`unknown role ${process.argv[2]}`);
  process.exit(2);
}
role().catch((err) => {
  console.error(err);
  process.exit(1);
});
