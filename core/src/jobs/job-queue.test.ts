import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "@prisma/client";
import { createJobWorker, enqueueJob, type JobWorker } from "./job-queue.ts";
import { testDb, testLogger } from "../../../test/support/services.ts";
import { createTestBusiness } from "../../../test/support/fixtures.ts";

const db = testDb();
let businessId: string;
const workers: JobWorker[] = [];
const worker = (...args: Parameters<typeof createJobWorker>) => {
  const w = createJobWorker({ pollMs: 60_000, ...args[0] });
  workers.push(w);
  return w;
};

beforeAll(async () => {
  businessId = (await createTestBusiness(db)).business.id;
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await db.$disconnect();
});

describe("durable jobs", () => {
  it("a job enqueued is run once, by exactly one of several workers", async () => {
    const kind = `test.once.${Date.now()}`;
    const seen: string[] = [];
    const handler = async (job: Job) => {
      seen.push(job.id);
    };
    for (let i = 0; i < 5; i++) await enqueueJob(db, { businessId, kind, payload: { i } });
    const w1 = worker({ db, handlers: { [kind]: handler }, logger: testLogger() });
    const w2 = worker({ db, handlers: { [kind]: handler }, logger: testLogger() });
    await Promise.all([w1.drain(), w2.drain()]);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(await db.job.count({ where: { kind, status: "done" } })).toBe(5);
  });

  it("a failing job is retried later with the error kept, and succeeds when the provider is back", async () => {
    const kind = `test.retry.${Date.now()}`;
    let calls = 0;
    const w = worker({
      db,
      logger: testLogger(),
      handlers: {
        [kind]: async () => {
          calls++;
          if (calls < 3) throw new Error("provider down");
        },
      },
    });
    await enqueueJob(db, { businessId, kind, payload: {} });
    await w.runOnce();
    let job = await db.job.findFirstOrThrow({ where: { kind } });
    expect(job).toMatchObject({ status: "queued", attempts: 1, lastError: "provider down" });
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now());
    // Make it due again instead of waiting out the backoff.
    for (let i = 0; i < 2; i++) {
      await db.job.update({ where: { id: job.id }, data: { runAt: new Date(0) } });
      await w.runOnce();
    }
    job = await db.job.findFirstOrThrow({ where: { kind } });
    expect(job).toMatchObject({ status: "done", attempts: 3, lastError: null });
  });

  it("gives up after maxAttempts and reports it", async () => {
    const kind = `test.giveup.${Date.now()}`;
    const gaveUp: string[] = [];
    const w = worker({
      db,
      logger: testLogger(),
      handlers: { [kind]: async () => Promise.reject(new Error("always")) },
      onGiveUp: async (job) => {
        gaveUp.push(job.id);
      },
    });
    await enqueueJob(db, { businessId, kind, payload: {}, maxAttempts: 2 });
    await w.runOnce();
    await db.job.updateMany({ where: { kind }, data: { runAt: new Date(0) } });
    await w.runOnce();
    const job = await db.job.findFirstOrThrow({ where: { kind } });
    expect(job.status).toBe("failed");
    expect(gaveUp).toEqual([job.id]);
  });

  it("a job left running by a crashed worker is picked up again", async () => {
    const kind = `test.stale.${Date.now()}`;
    await enqueueJob(db, { businessId, kind, payload: {} });
    await db.job.updateMany({
      where: { kind },
      data: { status: "running", lockedAt: new Date(Date.now() - 10 * 60_000), lockedBy: "dead-worker", attempts: 1 },
    });
    let ran = 0;
    const w = worker({ db, logger: testLogger(), handlers: { [kind]: async () => void ran++ } });
    await w.drain();
    expect(ran).toBe(1);
    expect((await db.job.findFirstOrThrow({ where: { kind } })).status).toBe("done");
  });

  it("enqueueing the same dedupe key twice leaves one job with the newest payload", async () => {
    const kind = `test.dedupe.${Date.now()}`;
    await enqueueJob(db, { businessId, kind, payload: { v: 1 }, dedupeKey: `${kind}:x` });
    await enqueueJob(db, { businessId, kind, payload: { v: 2 }, dedupeKey: `${kind}:x` });
    const jobs = await db.job.findMany({ where: { kind } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toEqual({ v: 2 });
  });
});
