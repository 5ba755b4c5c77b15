// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: the SDK and exporter
// are imported lazily, so a process without tracing never loads them. Spans are sent over
// OTLP/HTTP (the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT/_HEADERS itself) in batches.
import type { AppConfig } from "../config/env.ts";

export interface Tracing {
  /** Flushes pending spans (call on shutdown). */
  shutdown(): Promise<void>;
}

export async function startTracing(config: Pick<AppConfig, "otel">, service: string): Promise<Tracing | undefined> {
  if (!config.otel.endpoint) return undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.otel.serviceName ?? `frontdesk-${service}` }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 1000 })],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
