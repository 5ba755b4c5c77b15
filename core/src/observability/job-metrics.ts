// Job queue signals for /metrics: how many due jobs wait and how long the oldest has waited
// (read from the Job table at scrape time, so every process reports the shared queue), the
// knowledge.graph job's backlog, and counters of failed attempts and failed webhook deliveries
// seen by this process's worker.
import type { Db } from "../db/client.ts";
import { Counter, Gauge, type Registry } from "./metrics.ts";

export interface JobMetrics {
  jobFailed(kind: string, final: boolean): void;
  webhookDeliveryFailed(final: boolean): void;
}

interface QueueState {
  due: number;
  running: number;
  oldestAgeSeconds: number;
  pendingVectors: number;
}

/** Adds the queue gauges (and, with a worker, the failure counters) to a registry. */
export function registerJobMetrics(registry: Registry, db: Db): JobMetrics {
  let cached: { at: number; state: Promise<QueueState> } | undefined;
  // One query per scrape, shared by the gauges below.
  const state = (): Promise<QueueState> => {
    if (cached && Date.now() - cached.at < 1000) return cached.state;
    const query = db.$queryRaw<{ due: bigint; running: bigint; oldest: number | null; pending: bigint }[]>`
      SELECT count(*) FILTER (WHERE status = 'queued' AND "runAt" <= now()) AS due,
             count(*) FILTER (WHERE status = 'running') AS running,
             EXTRACT(EPOCH FROM now() - min("runAt") FILTER (WHERE status = 'queued' AND "runAt" <= now()))::float8 AS oldest,
             (SELECT count(*) FROM "KnowledgeChunk" WHERE "pendingEmbedding" IS NOT NULL) AS pending
      FROM "Job" WHERE status IN ('queued', 'running')`.then(
      ([row]) => ({
        due: Number(row?.due ?? 0),
        running: Number(row?.running ?? 0),
        oldestAgeSeconds: Math.max(0, row?.oldest ?? 0),
        pendingVectors: Number(row?.pending ?? 0),
      }),
      () => ({ due: NaN, running: NaN, oldestAgeSeconds: NaN, pendingVectors: NaN }),
    );
    cached = { at: Date.now(), state: query };
    return query;
  };
  new Gauge({
    name: "jobs_queued", help: "Jobs due to run and not yet claimed (the whole queue, every worker)", registers: [registry],
    async collect() { this.set((await state()).due); },
  });
  new Gauge({
    name: "jobs_running", help: "Jobs claimed by a worker right now", registers: [registry],
    async collect() { this.set((await state()).running); },
  });
  new Gauge({
    name: "jobs_oldest_queued_age_seconds", help: "How long the oldest due job has waited (0 when none)", registers: [registry],
    async collect() { this.set((await state()).oldestAgeSeconds); },
  });
  new Gauge({
    name: "knowledge_graph_backlog",
    help: "Knowledge vectors written but not yet merged into the HNSW graph by the knowledge.graph job (searched exactly meanwhile, the newest 2,000 of a business)",
    registers: [registry],
    async collect() { this.set((await state()).pendingVectors); },
  });
  const failures = new Counter({
    name: "jobs_failures_total", help: "Failed job attempts by kind; final=true when the job gave up", labelNames: ["kind", "final"], registers: [registry],
  });
  const deliveries = new Counter({
    name: "webhook_delivery_failures_total", help: "Webhook delivery attempts that failed; final=true when the delivery gave up", labelNames: ["final"], registers: [registry],
  });
  return {
    jobFailed: (kind, final) => failures.inc({ kind, final: String(final) }),
    webhookDeliveryFailed: (final) => deliveries.inc({ final: String(final) }),
  };
}
