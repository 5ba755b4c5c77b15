// Durable jobs in the Job table (an outbox): enqueued in the same transaction as the data
// they concern, claimed with FOR UPDATE SKIP LOCKED so any number of workers can share them,
// retried with exponential backoff, and recovered if a worker dies mid-job.
import type { Job, Prisma } from "@prisma/client";
import type { Db } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";

/** Any client that can write jobs: the plain client, a transaction, or a tenant scope. */
export interface JobWriter {
  job: {
    create(args: { data: Prisma.JobUncheckedCreateInput }): PromiseLike<unknown>;
    upsert(args: {
      where: { dedupeKey: string };
      create: Prisma.JobUncheckedCreateInput;
      update: Prisma.JobUncheckedUpdateInput;
    }): PromiseLike<unknown>;
  };
}

export interface EnqueueOptions {
  businessId: string;
  kind: string;
  payload: Prisma.InputJsonValue;
  runAt?: Date;
  maxAttempts?: number;
  /** At most one queued/running job per key; a second enqueue re-arms the first. */
  dedupeKey?: string;
}

export async function enqueueJob(db: JobWriter, opts: EnqueueOptions): Promise<void> {
  const data = {
    businessId: opts.businessId,
    kind: opts.kind,
    payload: opts.payload,
    runAt: opts.runAt ?? new Date(),
    maxAttempts: opts.maxAttempts ?? 10,
  };
  if (!opts.dedupeKey) {
    await db.job.create({ data });
    return;
  }
  await db.job.upsert({
    where: { dedupeKey: opts.dedupeKey },
    create: { ...data, dedupeKey: opts.dedupeKey },
    update: { payload: data.payload, runAt: data.runAt, status: "queued", attempts: 0, lastError: null },
  });
}

/** Delay before attempt n+1: 1 s, 2 s, 4 s ... capped at 10 minutes, with jitter. */
export function backoffMs(attempts: number): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobWorkerOptions {
  db: Db;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  workerId?: string;
  pollMs?: number;
  batchSize?: number;
  /** A running job whose worker went silent this long is handed out again. */
  staleAfterMs?: number;
  /** Called once a job has used up its attempts. */
  onGiveUp?: (job: Job, error: unknown) => Promise<void>;
  /** Called on every failed attempt (metrics); `final` when it will not be retried. */
  onFailure?: (job: Job, final: boolean) => void;
  /** Only claim jobs of these businesses (a reindex command, a test); default: all. */
  businessIds?: string[];
}

export interface JobWorker {
  /** Look for work now instead of at the next poll. */
  kick(): void;
  /** Runs one pass; returns how many jobs it ran (for tests and the reindex command). */
  runOnce(): Promise<number>;
  /** Runs until no due job is left. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

export function createJobWorker(opts: JobWorkerOptions): JobWorker {
  const { db, handlers, logger } = opts;
  const kinds = Object.keys(handlers);
  const workerId = opts.workerId ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const pollMs = opts.pollMs ?? 1000;
  const batchSize = opts.batchSize ?? 10;
  const staleAfterMs = opts.staleAfterMs ?? 5 * 60_000;
  const businessIds = opts.businessIds ?? null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function claim(): Promise<Job[]> {
    return db.$queryRaw<Job[]>`
      UPDATE "Job" SET status = 'running', "lockedAt" = now(), "lockedBy" = ${workerId},
             attempts = attempts + 1, "updatedAt" = now()
      WHERE id IN (
        SELECT id FROM "Job"
        WHERE kind = ANY(${kinds}::text[])
          AND (${businessIds}::text[] IS NULL OR "businessId" = ANY(${businessIds}::text[]))
          AND ((status = 'queued' AND "runAt" <= now())
            OR (status = 'running' AND "lockedAt" < now() - make_interval(secs => ${staleAfterMs / 1000})))
        ORDER BY "runAt" LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING *`;
  }

  async function runJob(job: Job): Promise<void> {
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job);
      // Only while still ours: a job enqueued again (same dedupe key) while it ran stays queued.
      await db.job.updateMany({ where: { id: job.id, status: "running", lockedBy: workerId }, data: { status: "done", lockedAt: null, lockedBy: null, lastError: null } });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const giveUp = job.attempts >= job.maxAttempts;
      logger.warn({ jobId: job.id, kind: job.kind, businessId: job.businessId, attempts: job.attempts, giveUp, err: message }, "job failed");
      opts.onFailure?.(job, giveUp);
      await db.job.updateMany({
        where: { id: job.id, status: "running", lockedBy: workerId },
        data: {
          status: giveUp ? "failed" : "queued",
          runAt: new Date(Date.now() + backoffMs(job.attempts)),
          lockedAt: null,
          lockedBy: null,
          lastError: message.slice(0, 2000),
        },
      });
      if (giveUp) await opts.onGiveUp?.(job, err).catch((e) => logger.error({ err: e }, "onGiveUp failed"));
    }
  }

  async function pass(): Promise<number> {
    const jobs = await claim();
    await Promise.all(jobs.map(runJob));
    return jobs.length;
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => (running = undefined));
    return running;
  }

  function schedule(delay: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const n = await runOnce();
        schedule(n === batchSize ? 0 : pollMs);
      } catch (err) {
        logger.error({ err }, "job poll failed");
        schedule(pollMs * 5);
      }
    }, delay);
    timer.unref();
  }
  schedule(pollMs);

  return {
    kick: () => schedule(0),
    runOnce,
    async drain() {
      let total = 0;
      for (let n = await runOnce(); n > 0; n = await runOnce()) total += n;
      return total;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
