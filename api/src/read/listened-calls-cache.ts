// The calls page cache as the API runs it: on only while its listener hears Postgres announce
// changes to calls, emptied when it comes back, and counted on /metrics.
import { Counter, Gauge, type Registry } from "@frontdesk/core/observability/metrics";
import type { Logger } from "@frontdesk/core/observability/logger";
import { createCallsPageCache, type CallsPageCache } from "./calls-page-cache.ts";
import { listenForCallChanges, type ListenerOptions } from "./calls-change-listener.ts";

export interface ListenedCallsCache {
  cache: CallsPageCache;
  close(): Promise<void>;
}

export function createListenedCallsCache(
  deps: { maxBytes: number; metrics: Registry; logger: Logger; listener: ListenerOptions },
): ListenedCallsCache {
  const reads = new Counter({
    name: "api_calls_page_cache_reads_total",
    help: "GET /v1/calls pages by how they were answered: hit (cached bytes), shared (a read in flight), miss (read from Postgres, then kept), off (cache off: not listening)",
    labelNames: ["result"],
    registers: [deps.metrics],
  });
  const results = { hit: reads.labels("hit"), shared: reads.labels("shared"), miss: reads.labels("miss"), off: reads.labels("off") };
  const cache = createCallsPageCache({ maxBytes: deps.maxBytes, onResult: (r) => results[r].inc() });
  new Gauge({
    name: "api_calls_page_cache_bytes",
    help: "Bytes held by the calls page cache (bodies and keys, roughly)",
    registers: [deps.metrics],
    collect() {
      this.set(cache.bytes);
    },
  });
  new Gauge({
    name: "api_calls_page_cache_listening",
    help: "1 while the calls page cache hears Postgres's change notifications (the cache is on), else 0",
    registers: [deps.metrics],
    collect() {
      this.set(cache.enabled ? 1 : 0);
    },
  });
  let warnedAt = 0;
  const listener = listenForCallChanges(deps.listener, {
    changed: (businessId) => (businessId === null ? (cache.off(), cache.on()) : cache.changed(businessId)),
    up: () => {
      cache.on();
      deps.logger.debug("calls page cache on: listening for changes");
    },
    down: (err) => {
      cache.off();
      if (Date.now() - warnedAt < 60_000) return;
      warnedAt = Date.now();
      deps.logger.warn({ err: err ? String(err) : undefined }, "calls page cache off: its change listener lost Postgres; reconnecting");
    },
  });
  return {
    cache,
    async close() {
      await listener.close();
      cache.off();
    },
  };
}
