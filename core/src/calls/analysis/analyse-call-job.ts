// Post-call analysis as a durable job (`call.analyse`): queued when a call ends, run by any job
// worker, retried with backoff, never in the relay's path. It loads the call through the tenant
// scope, analyses it, stores the result and emits `call.analysed` in the same transaction.
import type { Job } from "@prisma/client";
import { z } from "zod";
import type { AppConfig } from "../../config/env.ts";
import type { Cache } from "../../cache/cache.ts";
import type { Db } from "../../db/client.ts";
import { forBusiness, tenantDb } from "../../db/tenant.ts";
import { collectKnowledgeGaps } from "../../knowledge/gaps/collect-knowledge-gaps.ts";
import { enqueueJob, type JobHandler } from "../../jobs/job-queue.ts";
import type { Logger } from "../../observability/logger.ts";
import { emitCallEvent } from "../call-events.ts";
import type { AnalysisInput, AnalyserName, CallAnalyser, CallAnalysis } from "./call-analysis.ts";
import { createLocalAnalyser } from "./local-analyser.ts";
import { createOpenAIAnalyser } from "./openai-analyser.ts";

export const CALL_ANALYSE_JOB = "call.analyse";
/** Waits between attempts double from 1 s, so 8 attempts span about two minutes of outage. */
export const ANALYSIS_MAX_ATTEMPTS = 8;

const PayloadSchema = z.object({ callId: z.string().min(1) });

type JobWriter = Parameters<typeof enqueueJob>[0];

/**
 * Queues (or re-arms) the analysis of one call; at most one is pending per call. Queue it in
 * the transaction that finalises the call (`endedAt` set), so it is never lost nor early.
 */
export async function queueCallAnalysis(
  db: JobWriter,
  opts: { businessId: string; callId: string; maxAttempts?: number; runAt?: Date },
): Promise<void> {
  await enqueueJob(db, {
    businessId: opts.businessId,
    kind: CALL_ANALYSE_JOB,
    payload: { callId: opts.callId },
    dedupeKey: `analyse:${opts.callId}`,
    maxAttempts: opts.maxAttempts ?? ANALYSIS_MAX_ATTEMPTS,
    ...(opts.runAt ? { runAt: opts.runAt } : {}),
  });
}

/** OpenAI when OPENAI_API_KEY is set, else the local analyser. */
export function createCallAnalyser(config: Pick<AppConfig, "openai">): CallAnalyser {
  return config.openai.apiKey ? createOpenAIAnalyser(config) : createLocalAnalyser();
}

export interface AnalysisJobDeps {
  db: Db;
  cache: Pick<Cache, "publish">;
  logger: Logger;
  /** Picks the analyser when `analyser` is not given. */
  config?: Pick<AppConfig, "openai">;
  analyser?: CallAnalyser;
  /**
   * Used on the last attempt when the analyser keeps failing, so an OpenAI outage still ends
   * with an honest local analysis rather than none. Defaults to the local analyser; `false`
   * lets the job give up instead.
   */
  lastAttemptFallback?: CallAnalyser | false;
}

export function analysisJobHandlers(deps: AnalysisJobDeps): Record<string, JobHandler> {
  const analyser = deps.analyser ?? (deps.config ? createCallAnalyser(deps.config) : createLocalAnalyser());
  const fallback = deps.lastAttemptFallback === false ? undefined : (deps.lastAttemptFallback ?? createLocalAnalyser());
  return { [CALL_ANALYSE_JOB]: (job) => analyseCall(deps, analyser, fallback?.name === analyser.name ? undefined : fallback, job) };
}

async function loadInput(deps: AnalysisJobDeps, businessId: string, callId: string) {
  const scoped = forBusiness(deps.db, businessId);
  const call = await scoped.callLog.findUnique({ where: { id: callId } });
  if (!call) return undefined;
  const [segments, messages, business] = await Promise.all([
    scoped.transcriptSegment.findMany({ where: { callId }, orderBy: { sequence: "asc" }, select: { role: true, text: true, toolName: true } }),
    scoped.callMessage.findMany({ where: { callId }, orderBy: { createdAt: "asc" }, select: { callerName: true, callbackNumber: true, message: true } }),
    deps.db.business.findUnique({ where: { id: businessId }, select: { name: true } }),
  ]);
  const durationSec =
    call.durationSec ?? (call.endedAt ? Math.round((call.endedAt.getTime() - (call.answeredAt ?? call.startedAt).getTime()) / 1000) : null);
  const input: AnalysisInput = {
    businessName: business?.name,
    transcript: segments,
    facts: {
      messagesTaken: messages,
      transferred: Boolean(call.transferredTo) || call.endReason === "transferred",
      transferredTo: call.transferredTo,
      endReason: call.endReason,
      durationSec,
    },
  };
  return { scoped, input, ended: call.endedAt !== null };
}

async function analyseCall(deps: AnalysisJobDeps, analyser: CallAnalyser, fallback: CallAnalyser | undefined, job: Job): Promise<void> {
  const { callId } = PayloadSchema.parse(job.payload);
  const businessId = job.businessId;
  const log = deps.logger.child({ businessId, callId, jobId: job.id, attempt: job.attempts });
  const loaded = await loadInput(deps, businessId, callId);
  if (!loaded) {
    log.warn("call to analyse no longer exists; nothing to do");
    return;
  }
  const { scoped, input, ended } = loaded;
  const lastAttempt = job.attempts >= job.maxAttempts;
  // A call still live has half a transcript; wait for it to end (on the last attempt, what we
  // have is all we will get: a relay that died never finalises its call).
  if (!ended && !lastAttempt) throw new Error(`call ${callId} has not ended yet; analysing it later`);
  await scoped.callLog.update({ where: { id: callId }, data: { analysisAttempts: { increment: 1 } } });

  let analysis: CallAnalysis;
  let by: AnalyserName = analyser.name;
  try {
    analysis = await analyser.analyse(input);
  } catch (err) {
    if (!lastAttempt || !fallback) {
      if (lastAttempt) await scoped.callLog.update({ where: { id: callId }, data: { analysisStatus: "failed" } });
      throw err;
    }
    log.warn({ err: err instanceof Error ? err.message : String(err), fallback: fallback.name }, "analyser failed on its last attempt; using the fallback");
    try {
      analysis = await fallback.analyse(input);
      by = fallback.name;
    } catch (fallbackErr) {
      await scoped.callLog.update({ where: { id: callId }, data: { analysisStatus: "failed" } });
      throw fallbackErr;
    }
  }

  // Live listeners hear of it only after the row is committed.
  const published: [string, string][] = [];
  await scoped.$transaction(async (tx) => {
    await tx.callLog.update({
      where: { id: callId },
      data: { ...analysis, analysisStatus: "done", analysedAt: new Date() },
    });
    await emitCallEvent(
      { db: tx, cache: { publish: async (channel, message) => void published.push([channel, message]) } },
      { type: "call.analysed", businessId, callId, data: { ...analysis, analyser: by } },
    );
  });
  for (const [channel, message] of published) await deps.cache.publish(channel, message).catch(() => {});
  // The questions the knowledge base could not answer, for the business to fill in (idempotent
  // per call; a failure here costs the gaps of one call, never its analysis).
  await collectKnowledgeGaps(tenantDb(deps.db, businessId), callId).catch((err: unknown) => log.warn({ err }, "knowledge gaps not collected"));
  log.info({ analyser: by, outcome: analysis.outcome, sentiment: analysis.sentiment }, "call analysed");
}
