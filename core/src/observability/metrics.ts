// Prometheus registry per process; each process adds its own metrics to it.
import { Registry, collectDefaultMetrics } from "prom-client";

export { Counter, Gauge, Histogram, Summary, Registry } from "prom-client";

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
