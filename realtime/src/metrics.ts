// The relay's Prometheus metrics, on the registry from core. Nothing here runs per frame.
import { Counter, Gauge, Histogram, createMetricsRegistry, type Registry } from "@frontdesk/core/observability/metrics";
import type { CallEnded } from "./session/call-session.ts";

export interface RelayMetrics {
  registry: Registry;
  callStarted(transport: string): void;
  callEnded(transport: string, ended: CallEnded): void;
  refused(reason: string): void;
  streamRejected(reason: string): void;
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
  return {
    registry,
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
