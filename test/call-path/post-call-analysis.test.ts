import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppConfig } from "@frontdesk/core/config/env";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { createJobWorker } from "@frontdesk/core/jobs/job-queue";
import { WEBHOOK_FANOUT_JOB, type CallEvent } from "@frontdesk/core/calls/call-events";
import { analysisJobHandlers, CALL_ANALYSE_JOB } from "@frontdesk/core/calls/analysis/analyse-call-job";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testLogger } from "../support/services.ts";
import { startOpenAIChatStandIn, type OpenAIChatStandIn } from "../stand-ins/openai-chat.ts";
import type { Scenario } from "../stand-ins/openai-realtime.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, transcriptWith } from "./call-steps.ts";

let path: CallPath;
let chat: OpenAIChatStandIn;

beforeAll(async () => {
  path = await startCallPath();
  chat = await startOpenAIChatStandIn();
});
afterAll(async () => {
  await path.close();
  await chat.close();
});

const withOpenAI = () => testConfig({ OPENAI_API_KEY: chat.apiKey, OPENAI_BASE_URL: chat.url });
const withoutOpenAI = () => testConfig({ OPENAI_API_KEY: "" });

/** The API process's analysis worker, limited to one business (test files share the database). */
function analysisWorker(businessId: string, config: AppConfig) {
  const handlers = analysisJobHandlers({ db: path.db, cache: path.cache, logger: testLogger("analysis"), config });
  return createJobWorker({ db: path.db, logger: testLogger("jobs"), handlers, businessIds: [businessId], pollMs: 3_600_000 });
}

const analysisJobs = (biz: TestBusiness) => forBusiness(path.db, biz.business.id).job.findMany({ where: { kind: CALL_ANALYSE_JOB } });

async function analysedEvents(biz: TestBusiness, callId: string): Promise<CallEvent[]> {
  const jobs = await forBusiness(path.db, biz.business.id).job.findMany({ where: { kind: WEBHOOK_FANOUT_JOB } });
  return jobs.map((j) => j.payload as unknown as CallEvent).filter((e) => e.type === "call.analysed" && e.callId === callId);
}

/** One short call: greeting, the caller's question, the agent's answer, the caller hangs up. */
async function completedCall(biz: TestBusiness, scenario: Scenario, lastWords: string) {
  path.model.setScenario(scenario);
  const n = path.model.connections.length + 1;
  const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
  const model = await path.model.connection(n);
  await greetingHeard(phone, model);
  phone.say(900, 800);
  await transcriptWith(path.db, phone.callSid, (s) => s.role === "agent" && s.text === lastWords, 10_000);
  await phone.waitFor(() => phone.queuedMs === 0, 5_000, "the answer to play out");
  await phone.hangUp();
  return { phone, call: await endedCall(path.db, phone.callSid) };
}

const refundCall: Scenario = {
  callerTurns: ["I was charged twice for my haircut last week and I am really annoyed about it."],
  reply: () => ({ say: "I'm sorry about that. The second charge will be refunded within three days." }),
};

describe("post-call analysis", () => {
  it("is armed when the call is answered, made due when it ends, and fills summary, sentiment, outcome and topics through OpenAI", async () => {
    const biz = await createTestBusiness(path.db, { name: "Clip Joint" });
    path.model.setScenario(refundCall);
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    // Live: one job, not due before the call could possibly be over.
    const [armed] = await eventually(() => analysisJobs(biz).then((j) => (j.length ? j : null)));
    expect(armed!.runAt.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    phone.say(900, 800);
    await transcriptWith(path.db, phone.callSid, (s) => s.text.startsWith("I'm sorry about that"), 10_000);
    await phone.hangUp();
    const call = await endedCall(path.db, phone.callSid);
    const [due] = await eventually(() => analysisJobs(biz).then((j) => (j[0] && j[0].runAt.getTime() <= Date.now() ? j : null)));
    expect(due).toMatchObject({ id: armed!.id, status: "queued", attempts: 0, payload: { callId: call.id } });

    chat.enqueue({
      kind: "json",
      content: { summary: "The caller was double charged for a haircut; the agent promised a refund.", sentiment: "negative", sentimentScore: -0.6, outcome: "resolved", topics: ["double charge", "refund"] },
    });
    const worker = analysisWorker(biz.business.id, withOpenAI());
    expect(await worker.drain()).toBe(1);
    await worker.stop();

    const analysed = await forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { id: call.id } });
    expect(analysed).toMatchObject({
      summary: "The caller was double charged for a haircut; the agent promised a refund.",
      sentiment: "negative",
      sentimentScore: -0.6,
      outcome: "resolved",
      topics: ["double charge", "refund"],
      analysisStatus: "done",
    });
    // The model read the call's real transcript.
    const prompt = chat.requests.at(-1)!.body.messages.map((m) => String(m.content)).join("\n");
    expect(prompt).toContain("I was charged twice for my haircut");
    expect(prompt).toContain("The second charge will be refunded within three days.");
    expect(await analysedEvents(biz, call.id)).toHaveLength(1);
  });

  it("without OpenAI, the local analyser fills the same fields from the call itself, and a message taken is the outcome", async () => {
    const biz = await createTestBusiness(path.db, { name: "Tap Masters" });
    const thanks = "Thanks Morgan, I've passed that on and someone will call you back today.";
    const { call } = await completedCall(
      biz,
      {
        callerTurns: ["My kitchen tap is leaking everywhere, can a plumber call me back please?"],
        reply: () => ({
          tool: { name: "take_message", arguments: { name: "Morgan", callback_number: "+15550123456", message: "Kitchen tap leaking, please call back." } },
          then: () => thanks,
        }),
      },
      thanks,
    );
    const requestsBefore = chat.requests.length;
    const worker = analysisWorker(biz.business.id, withoutOpenAI());
    expect(await worker.drain()).toBe(1);
    await worker.stop();
    expect(chat.requests.length).toBe(requestsBefore);

    const analysed = await forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { id: call.id } });
    expect(analysed).toMatchObject({ outcome: "message_taken", analysisStatus: "done" });
    expect(analysed.summary).toContain("Morgan");
    expect(analysed.summary).toContain("+15550123456");
    expect(["positive", "neutral", "negative"]).toContain(analysed.sentiment);
    expect(analysed.sentimentScore).toBeTypeOf("number");
    expect(analysed.topics.join(" ")).toMatch(/tap|kitchen|leak/);
    const [event] = await analysedEvents(biz, call.id);
    expect(event?.data).toMatchObject({ analyser: "local", outcome: "message_taken" });
  });

  it("a failed analysis is retried, and the call is analysed once in the end", async () => {
    const biz = await createTestBusiness(path.db, { name: "Retry Cuts" });
    const { call, phone } = await completedCall(biz, refundCall, "I'm sorry about that. The second charge will be refunded within three days.");
    // Twilio's final status arriving after the stream ended changes nothing about the analysis.
    await path.twilio.postStatus({ callSid: phone.callSid, status: "completed", durationSec: 4, to: biz.phone.e164 });

    chat.failNext(1, 500);
    chat.enqueue({ kind: "json", content: { summary: "A refund was promised.", sentiment: "neutral", sentimentScore: 0, outcome: "resolved", topics: ["refund"] } });
    const worker = analysisWorker(biz.business.id, withOpenAI());
    expect(await worker.runOnce()).toBe(1);
    const [failed] = await analysisJobs(biz);
    expect(failed).toMatchObject({ status: "queued", attempts: 1 });
    expect(failed!.lastError).toContain("500");
    expect((await forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { id: call.id } })).analysisStatus).toBe("pending");

    await path.db.job.update({ where: { id: failed!.id }, data: { runAt: new Date() } }); // skip the backoff wait
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.drain()).toBe(0);
    await worker.stop();
    expect(await analysisJobs(biz)).toMatchObject([{ status: "done", attempts: 2 }]);
    expect(await forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({
      analysisStatus: "done",
      summary: "A refund was promised.",
      topics: ["refund"],
    });
    expect(await analysedEvents(biz, call.id)).toHaveLength(1);
  });

  it("a completed status callback that arrives while the stream still runs does not make the analysis due early", async () => {
    const biz = await createTestBusiness(path.db, { name: "Early Status Co" });
    path.model.setScenario(refundCall);
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    await eventually(() => analysisJobs(biz).then((j) => j.length === 1));
    expect((await path.twilio.postStatus({ callSid: phone.callSid, status: "completed", durationSec: 9, to: biz.phone.e164 })).status).toBe(204);
    // Half a transcript so far: nothing may analyse it yet.
    phone.say(900, 800);
    await transcriptWith(path.db, phone.callSid, (s) => s.text.startsWith("I'm sorry about that"), 10_000);
    const [stillArmed] = await analysisJobs(biz);
    expect(stillArmed!.runAt.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);

    await phone.hangUp();
    await eventually(() => analysisJobs(biz).then((j) => j.length === 1 && j[0]!.runAt.getTime() <= Date.now()), 5_000, "the analysis to be due");
    const worker = analysisWorker(biz.business.id, withoutOpenAI());
    expect(await worker.drain()).toBe(1);
    await worker.stop();
    const call = await forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { callSid: phone.callSid } });
    expect(call).toMatchObject({ durationSec: 9, endReason: "caller_hangup", analysisStatus: "done" });
    expect(call.summary).toContain("charged twice");
    expect(await analysedEvents(biz, call.id)).toHaveLength(1);
  });
});
