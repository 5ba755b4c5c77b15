// The relay's Prometheus metrics, on the registry from core. Per-frame counts are plain
// integers the sessions increment, read only when /metrics is scraped.
import { Counter, Gauge, Histogram, createMetricsRegistry, type Registry } from "@frontdesk/core/observability/metrics";
import type { CallEnded, SessionMetrics } from "./session/call-session.ts";
import type { ReconnectOutcome } from "./model/link.ts";

export interface RelayMetrics extends SessionMetrics {
  registry: Registry;
  callStarted(transport: string): void;
  callEnded(transport: string, ended: CallEnded): void;
  refused(reason: string): void;
  streamRejected(reason: string): void;
  modelReconnect(outcome: ReconnectOutcome): void;
}

export function createRelayMetrics(liveCalls: () => number): RelayMetrics {
  const registry = createMetricsRegistry("realtime");
  new Gauge({ name: "relay_live_calls", help: "Calls with an open stream on this instance", registers: [registry], collect() { this.set(liveCalls()); } });
  const started = new Counter({ name: "relay_calls_started_total", help: "Calls answered by the agent", labelNames: ["transport"], registers: [registry] });
  const ended = new Counter({ name: "relay_calls_ended_total", help: "Calls ended, by reason", labelNames: ["transport", "reason"], registers: [registry] });
  const refused = new Counter({ name: "relay_calls_refused_total", help: "Calls not answered by the agent, by reason", labelNames: ["reason"], registers: [registry] });
  const rejected = new Counter({ name: "relay_streams_rejected_total", help: "Stream connections refused, by reason", labelNames: ["reason"], registers: [registry] });
  const bargeIns = new Counter({ name: "relay_barge_ins_total", help: "Times a caller talked over the agent", registers: [registry] });
  const duration = new Histogram({ name: "relay_call_duration_seconds", help: "Answered call length", buckets: [10, 30, 60, 120, 300, 600, 1800], registers: [registry] });
  const counts = { framesIn: 0, framesOut: 0 };
  new Counter({
    name: "relay_caller_frames_total", help: "Caller audio frames relayed to the model", registers: [registry],
    collect() { this.reset(); this.inc(counts.framesIn); },
  });
  new Counter({
    name: "relay_agent_chunks_total", help: "Agent audio chunks (one media message each) sent to callers", registers: [registry],
    collect() { this.reset(); this.inc(counts.framesOut); },
  });
  const forward = new PlainHistogram(
    "relay_agent_audio_forward_ms",
    "Time from the model's audio delta to its chunk leaving for the caller (coalescing included)",
    [0.5, 1, 2, 5, 10, 20, 50, 100, 200],
  );
  registry.registerMetric(forward as unknown as Parameters<Registry["registerMetric"]>[0]);
  const toolLatency = new Histogram({
    name: "relay_tool_latency_ms", help: "Agent tool calls, by tool and outcome", labelNames: ["tool", "outcome"],
    buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 8000], registers: [registry],
  });
  const reconnects = new Counter({
    name: "relay_model_reconnects_total",
    help: "Model socket reconnections after a drop: restored, attempt_failed, gave_up",
    labelNames: ["outcome"],
    registers: [registry],
  });
  return {
    registry,
    counts,
    agentAudioForwarded: (waitedMs) => forward.observe(waitedMs),
    toolCalled: (tool, latencyMs, ok) => toolLatency.observe({ tool, outcome: ok ? "ok" : "failed" }, latencyMs),
    modelReconnect: (outcome) => reconnects.inc({ outcome }),
    callStarted: (t) => started.inc({ transport: t }),
    callEnded: (t, e) => {
      ended.inc({ transport: t, reason: e.endReason });
      bargeIns.inc(e.bargeIns);
      duration.observe(e.durationSec);
    },
    refused: (reason) => refused.inc({ reason }),
    streamRejected: (reason) => rejected.inc({ reason }),
  };
}

/**
 * A histogram observed once per chunk of agent audio: an increment in a typed array, with no
 * label hashing and no closure per observation (prom-client's observe makes both), turned
 * into Prometheus's histogram series only when /metrics is scraped.
 */
class PlainHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = new Float64Array(buckets.length + 1);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** What the registry formats (the shape prom-client's own metrics give it). */
  async get() {
    let cumulative = 0;
    const values = this.buckets.map((le, i) => {
      cumulative += this.counts[i]!;
      return { labels: { le }, value: cumulative, metricName: `${this.name}_bucket` };
    });
    values.push({ labels: { le: "+Inf" as unknown as number }, value: this.count, metricName: `${this.name}_bucket` });
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...values, { labels: {}, value: this.sum, metricName: `${this.name}_sum` }, { labels: {}, value: this.count, metricName: `${this.name}_count` }],
    };
  }
}
