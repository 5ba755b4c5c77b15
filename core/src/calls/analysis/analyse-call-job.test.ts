import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "../../cache/cache.ts";
import { forBusiness } from "../../db/tenant.ts";
import { createJobWorker } from "../../jobs/job-queue.ts";
import { subscribeCallEvents, WEBHOOK_FANOUT_JOB, type CallEvent } from "../call-events.ts";
import { testCache, testConfig, testDb, testLogger } from "../../../../test/support/services.ts";
import { createTestBusiness } from "../../../../test/support/fixtures.ts";
import { startOpenAIChatStandIn, type OpenAIChatStandIn } from "../../../../test/stand-ins/openai-chat.ts";
import { angryBillingCall, leakingSinkMessageCall, thankfulOilChangeCall } from "../../../../test/analysis/call-transcripts.ts";
import type { AnalysisInput } from "./call-analysis.ts";
import { analysisJobHandlers, CALL_ANALYSE_JOB, queueCallAnalysis, type AnalysisJobDeps } from "./analyse-call-job.ts";

const db = testDb();
const logger = testLogger("analysis-test");
let cache: Cache;
let openai: OpenAIChatStandIn;

beforeAll(async () => {
  cache = testCache();
  openai = await startOpenAIChatStandIn();
});
afterAll(async () => {
  await openai.close();
  await cache.close();
});

const withOpenAI = () => testConfig({ OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url });
const withoutOpenAI = () => testConfig({ OPENAI_API_KEY: "" });

/** Writes an ended call as the relay would: the log, its transcript and any messages taken. */
async function recordEndedCall(businessId: string, input: AnalysisInput) {
  const scoped = forBusiness(db, businessId);
  const endedAt = new Date();
  const call = await scoped.callLog.create({
    data: {
      businessId,
      callSid: "CA" + randomBytes(16).toString("hex"),
      fromNumber: "+15550001111",
      toNumber: "+15550002222",
      status: "completed",
      answeredAt: new Date(endedAt.getTime() - (input.facts.durationSec ?? 0) * 1000),
      endedAt,
      durationSec: input.facts.durationSec,
      endReason: input.facts.endReason,
      transferredTo: input.facts.transferredTo ?? null,
    },
  });
  await scoped.transcriptSegment.createMany({
    data: input.transcript.map((l, i) => ({
      businessId,
      callId: call.id,
      sequence: i,
      role: l.role,
      text: l.text,
      toolName: l.toolName ?? null,
      startMs: i * 4000,
    })),
  });
  for (const m of input.facts.messagesTaken) {
    await scoped.callMessage.create({ data: { businessId, callId: call.id, ...m } });
  }
  return call;
}

/**
 * Runs one call's analysis job, queued as the relay queues it, through the real job worker
 * limited to the test's business (other test files share the run's database). The job is
 * queued not yet due and made due only when the test runs it, so no other worker takes it.
 */
async function analysisRun(businessId: string, callId: string, deps: Omit<AnalysisJobDeps, "db" | "cache" | "logger">, maxAttempts?: number) {
  const dedupeKey = `analyse:${callId}`;
  await queueCallAnalysis(db, { businessId, callId, maxAttempts, runAt: new Date(Date.now() + 3_600_000) });
  const handlers = analysisJobHandlers({ db, cache, logger, ...deps });
  const worker = createJobWorker({ db, logger, handlers, businessIds: [businessId], pollMs: 3_600_000 });
  return {
    /** Runs the job now (skipping the backoff wait); returns how many jobs ran. */
    async attempt() {
      await db.job.update({ where: { dedupeKey }, data: { runAt: new Date() } });
      return worker.runOnce();
    },
    job: () => db.job.findUniqueOrThrow({ where: { dedupeKey } }),
    stop: () => worker.stop(),
  };
}

const readCall = (businessId: string, id: string) => forBusiness(db, businessId).callLog.findUniqueOrThrow({ where: { id } });

async function webhookEvents(businessId: string, callId: string): Promise<CallEvent[]> {
  const jobs = await forBusiness(db, businessId).job.findMany({ where: { kind: WEBHOOK_FANOUT_JOB }, orderBy: { createdAt: "asc" } });
  return jobs.map((j) => j.payload as unknown as CallEvent).filter((e) => e.callId === callId && e.type === "call.analysed");
}

const angryAnswer = {
  summary: "The caller complained about a double charge for a cleaning and unreturned calls; the agent explained the refund.",
  sentiment: "negative",
  sentimentScore: -0.7,
  outcome: "resolved",
  topics: ["billing", "double charge", "callbacks"],
};

describe("post-call analysis job", () => {
  it("through OpenAI, fills the call's summary, sentiment, outcome and topics and emits call.analysed", async () => {
    const { business } = await createTestBusiness(db);
    const call = await recordEndedCall(business.id, angryBillingCall);
    const live: CallEvent[] = [];
    const unsubscribe = await subscribeCallEvents(cache, business.id, (e) => live.push(e));
    openai.enqueue({ kind: "json", content: angryAnswer });

    const run = await analysisRun(business.id, call.id, { config: withOpenAI() });
    expect(await run.attempt()).toBe(1);
    await run.stop();

    const analysed = await readCall(business.id, call.id);
    expect(analysed).toMatchObject({
      summary: angryAnswer.summary,
      sentiment: "negative",
      sentimentScore: -0.7,
      outcome: "resolved",
      topics: ["billing", "double charge", "callbacks"],
      analysisStatus: "done",
      analysisAttempts: 1,
    });
    expect(analysed.analysedAt).toBeInstanceOf(Date);
    expect((await run.job()).status).toBe("done");
    expect(openai.requests.at(-1)!.body.messages.map((m) => m.content).join("\n")).toContain("I was charged twice for the same cleaning");

    const [event] = await webhookEvents(business.id, call.id);
    expect(event?.data).toMatchObject({ outcome: "resolved", sentiment: "negative", analyser: "openai" });
    await expect.poll(() => live.map((e) => e.type)).toContain("call.analysed");
    await unsubscribe();
  });

  it("without OpenAI, the local analyser fills the fields honestly", async () => {
    const { business } = await createTestBusiness(db);
    const angry = await recordEndedCall(business.id, angryBillingCall);
    const thankful = await recordEndedCall(business.id, thankfulOilChangeCall);
    const message = await recordEndedCall(business.id, leakingSinkMessageCall);
    const requestsBefore = openai.requests.length;

    for (const call of [angry, thankful, message]) {
      const run = await analysisRun(business.id, call.id, { config: withoutOpenAI() });
      await run.attempt();
      await run.stop();
    }

    expect(openai.requests.length).toBe(requestsBefore);
    expect(await readCall(business.id, angry.id)).toMatchObject({ sentiment: "negative", outcome: "resolved", analysisStatus: "done" });
    expect(await readCall(business.id, thankful.id)).toMatchObject({ sentiment: "positive", outcome: "resolved", analysisStatus: "done" });
    const msg = await readCall(business.id, message.id);
    expect(msg).toMatchObject({ outcome: "message_taken", analysisStatus: "done" });
    expect(msg.summary).toContain("my kitchen sink is leaking");
    expect(msg.topics).toContain("kitchen sink");
    expect(msg.sentimentScore).toBeTypeOf("number");
    const [event] = await webhookEvents(business.id, message.id);
    expect(event?.data).toMatchObject({ outcome: "message_taken", analyser: "local" });
  });

  it("a failed analysis is retried and then succeeds", async () => {
    const { business } = await createTestBusiness(db);
    const call = await recordEndedCall(business.id, thankfulOilChangeCall);
    openai.failNext(1, 500);
    openai.enqueue({ kind: "json", content: { ...angryAnswer, sentiment: "positive", sentimentScore: 0.8, topics: ["oil change"] } });

    const run = await analysisRun(business.id, call.id, { config: withOpenAI() });
    await run.attempt();
    const afterFailure = await run.job();
    expect(afterFailure).toMatchObject({ status: "queued", attempts: 1 });
    expect(afterFailure.lastError).toContain("500");
    expect(afterFailure.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(await readCall(business.id, call.id)).toMatchObject({ analysisStatus: "pending", analysisAttempts: 1, summary: null });

    await run.attempt();
    await run.stop();
    expect(await run.job()).toMatchObject({ status: "done", attempts: 2 });
    expect(await readCall(business.id, call.id)).toMatchObject({
      analysisStatus: "done",
      analysisAttempts: 2,
      sentiment: "positive",
      topics: ["oil change"],
    });
  });

  it("an invalid answer counts as a failure and is retried", async () => {
    const { business } = await createTestBusiness(db);
    const call = await recordEndedCall(business.id, thankfulOilChangeCall);
    openai.enqueue({ kind: "text", content: "{ not json" }, { kind: "json", content: { ...angryAnswer, sentiment: "neutral", sentimentScore: 0 } });

    const run = await analysisRun(business.id, call.id, { config: withOpenAI() });
    await run.attempt();
    expect((await run.job()).lastError).toContain("not JSON");
    await run.attempt();
    await run.stop();
    expect(await readCall(business.id, call.id)).toMatchObject({ analysisStatus: "done", sentiment: "neutral" });
  });

  it("giving up marks the call's analysis failed and emits nothing", async () => {
    const { business } = await createTestBusiness(db);
    const call = await recordEndedCall(business.id, angryBillingCall);
    openai.failNext(2, 503);

    const run = await analysisRun(business.id, call.id, { config: withOpenAI(), lastAttemptFallback: false }, 2);
    await run.attempt();
    expect(await readCall(business.id, call.id)).toMatchObject({ analysisStatus: "pending" });
    await run.attempt();
    await run.stop();

    expect(await run.job()).toMatchObject({ status: "failed", attempts: 2 });
    expect(await readCall(business.id, call.id)).toMatchObject({ analysisStatus: "failed", analysisAttempts: 2, summary: null, sentiment: null });
    expect(await webhookEvents(business.id, call.id)).toEqual([]);
  });

  it("when OpenAI keeps failing, the last attempt falls back to the local analyser", async () => {
    const { business } = await createTestBusiness(db);
    const call = await recordEndedCall(business.id, leakingSinkMessageCall);
    openai.failNext(2, 429);

    const run = await analysisRun(business.id, call.id, { config: withOpenAI() }, 2);
    await run.attempt();
    await run.attempt();
    await run.stop();

    expect(await run.job()).toMatchObject({ status: "done", attempts: 2 });
    const analysed = await readCall(business.id, call.id);
    expect(analysed).toMatchObject({ analysisStatus: "done", outcome: "message_taken" });
    expect(analysed.summary).toContain("A message was taken from Dana Fox");
    const [event] = await webhookEvents(business.id, call.id);
    expect(event?.data).toMatchObject({ analyser: "local" });
  });

  it("a call that has not ended yet is analysed later, not from half a transcript", async () => {
    const { business } = await createTestBusiness(db);
    const call = await recordEndedCall(business.id, thankfulOilChangeCall);
    await forBusiness(db, business.id).callLog.update({ where: { id: call.id }, data: { endedAt: null, status: "in_progress" } });

    const run = await analysisRun(business.id, call.id, { config: withoutOpenAI() });
    await run.attempt();
    expect(await run.job()).toMatchObject({ status: "queued", lastError: expect.stringContaining("has not ended yet") });
    expect(await readCall(business.id, call.id)).toMatchObject({ analysisStatus: "pending", analysisAttempts: 0 });

    await forBusiness(db, business.id).callLog.update({ where: { id: call.id }, data: { endedAt: new Date(), status: "completed" } });
    await run.attempt();
    await run.stop();
    expect(await readCall(business.id, call.id)).toMatchObject({ analysisStatus: "done", analysisAttempts: 1, sentiment: "positive" });
  });

  it("a job never analyses another business's call", async () => {
    const { business: mine } = await createTestBusiness(db);
    const { business: theirs } = await createTestBusiness(db);
    const theirCall = await recordEndedCall(theirs.id, angryBillingCall);

    const run = await analysisRun(mine.id, theirCall.id, { config: withoutOpenAI() });
    await run.attempt();
    await run.stop();

    expect((await run.job()).status).toBe("done");
    expect(await readCall(theirs.id, theirCall.id)).toMatchObject({ analysisStatus: "pending", analysisAttempts: 0, summary: null });
  });

  it("queueing a call's analysis twice leaves one pending job", async () => {
    const { business } = await createTestBusiness(db);
    const call = await recordEndedCall(business.id, thankfulOilChangeCall);
    const later = new Date(Date.now() + 3_600_000); // not due, so no worker elsewhere picks it up
    await queueCallAnalysis(db, { businessId: business.id, callId: call.id, runAt: later });
    await queueCallAnalysis(db, { businessId: business.id, callId: call.id, runAt: later });

    const jobs = await forBusiness(db, business.id).job.findMany({ where: { kind: CALL_ANALYSE_JOB } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ dedupeKey: `analyse:${call.id}`, payload: { callId: call.id }, status: "queued", maxAttempts: 8 });
    await db.job.delete({ where: { id: jobs[0]!.id } });
  });
});
