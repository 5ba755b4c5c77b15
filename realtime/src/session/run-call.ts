// Runs one answered call from its first frame to its last: builds the session over the
// given line and model connection (which survives drops), applies the business's keypad
// and time-limit settings, records the answer, usage and transcript as they happen, and on
// the way out finalises the call log with its post-call analysis queued, frees the call's
// place and announces the end.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { KnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { personalise } from "@frontdesk/core/agent/agent-config";
import { answeringMachineAction, parseAnsweredBy } from "@frontdesk/core/telephony/answering-machine";
import { emitCallEvent } from "@frontdesk/core/calls/call-events";
import { markCallAnswered } from "@frontdesk/core/calls/mark-call-answered";
import { finaliseCall } from "@frontdesk/core/calls/finalise-call";
import { recordCallUsage } from "@frontdesk/core/calls/realtime-usage";
import { queueCallAnalysis } from "@frontdesk/core/calls/analysis/analyse-call-job";
import type { CallContext } from "../admission/call-context.ts";
import type { LiveCalls } from "../admission/live-calls.ts";
import type { CallTransport } from "../transports/transport.ts";
import type { AgentTool } from "../tools/tool.ts";
import { toolsFor } from "../tools/index.ts";
import type { RelayMetrics } from "../metrics.ts";
import { CallSession, type CallEnded } from "./call-session.ts";
import type { ModelSocket } from "../model/socket.ts";
import { openModelSocket, prepareModel, sessionUpdateFor } from "../model/prepare.ts";
import { greetingRequest } from "../model/session-config.ts";
import { createTranscriptRecorder } from "./transcript-recorder.ts";
import { ModelLink } from "../model/link.ts";
import { dtmfTransfer, limitCallDuration } from "./call-policies.ts";

export interface CallHooks {
  /** After the call log is final: post-call analysis and the like plug in here. */
  onCallEnded?: (ended: CallEnded, context: CallContext) => Promise<void> | void;
  /** A keypad digit during the call (after the business's transfer digit was handled). */
  onDtmf?: (digit: string, session: CallSession, context: CallContext) => void;
}

/** Settings tests shorten; production takes them from the business's agent settings. */
export interface CallTimings {
  /** Replaces the agent's maxCallDurationSec. */
  maxCallDurationMs?: number;
  /** How long before the limit the caller is warned (default 30 s). */
  warnBeforeEndMs?: number;
  /** Waits before each reconnect attempt after the model's socket drops. */
  reconnectBackoffMs?: number[];
  /** Model socket drops one call survives. */
  maxModelDrops?: number;
}

const WARN_BEFORE_END_MS = 30_000;
/** A crashed relay never re-arms its calls' analysis; this much after the limit, it runs anyway. */
const ANALYSIS_SAFETY_NET_MS = 10 * 60_000;

export interface RunCallDeps {
  config: Pick<AppConfig, "openai">;
  db: Db;
  cache: Pick<Cache, "publish" | "renewLease" | "releaseLease">;
  logger: Logger;
  knowledge: KnowledgeSearch;
  liveCalls: LiveCalls;
  tools: readonly AgentTool[];
  metrics: RelayMetrics;
  hooks: CallHooks;
  timings?: CallTimings;
}

export async function runCall(
  deps: RunCallDeps,
  call: { transport: CallTransport; context: CallContext; model?: ModelSocket },
): Promise<CallEnded> {
  const { context, transport } = call;
  const { businessId, callId, callSid } = context;
  const log = deps.logger.child({ businessId, callSid, callId });
  const scoped = forBusiness(deps.db, businessId);
  const modelDeps = { config: deps.config, logger: log, tools: deps.tools };
  const timings = deps.timings ?? {};
  const maxDurationMs = timings.maxCallDurationMs ?? context.agent.maxCallDurationSec * 1000;
  const events = { db: deps.db, cache: deps.cache };
  let usageWrites: Promise<void> = Promise.resolve();

  const transcript = createTranscriptRecorder({
    db: scoped,
    businessId,
    callId,
    logger: log,
    onStored: (segment) =>
      emitCallEvent(events, { type: "call.transcript", businessId, callId, data: { callSid, ...segment } }).then(() => {}),
  });
  const sessionUpdate = JSON.stringify(sessionUpdateFor(modelDeps, context));
  const model = new ModelLink({
    first: call.model ?? prepareModel(modelDeps, context),
    connect: () => openModelSocket(modelDeps, { connectTimeoutMs: 3_000 }),
    restore: () => [sessionUpdate, ...session.resumeMessages()],
    logger: log,
    backoffMs: timings.reconnectBackoffMs,
    maxDrops: timings.maxModelDrops,
    onReconnect: (outcome) => deps.metrics.modelReconnect(outcome),
  });
  const { fallbackNumber } = context.agent;
  const keypad = dtmfTransfer(context.agent);
  const session: CallSession = new CallSession({
    call: { callId, callSid, businessId },
    transport,
    model,
    greeting: greetingRequest(context.agent, context.business.name),
    tools: toolsFor(context.agent.enabledTools, deps.tools),
    toolContext: {
      businessId, callId, callSid, callerNumber: context.fromNumber, db: scoped, cache: deps.cache,
      knowledge: deps.knowledge, agent: context.agent, logger: log,
    },
    transcript,
    onUsage: (usage) => {
      usageWrites = usageWrites.then(() => recordCallUsage(scoped, callId, usage)).catch((err) => log.error({ err }, "usage not recorded"));
    },
    onDtmf: (digit, s) => {
      keypad(digit, s);
      deps.hooks.onDtmf?.(digit, s, context);
    },
    apology: fallbackNumber
      ? { message: "I'm sorry, I'm having technical trouble. Let me put you through to someone.", thenDial: fallbackNumber }
      : undefined,
    metrics: deps.metrics,
    logger: log,
  });
  model.onDropped(() => session.modelDropped());
  model.onRestored(() => session.modelRestored());

  deps.liveCalls.start(callSid, businessId, (reason) => session.end(reason), {
    // An answering machine's greeting has ended: the agent leaves the message, then hangs up.
    leaveVoicemail: () => {
      log.info("answering machine: leaving the voicemail message");
      session.endAfterSaying("voicemail", personalise(context.agent.voicemailMessage, context.business.name));
    },
  });
  deps.metrics.callStarted(transport.kind);
  session.start();
  if (context.direction === "outbound") {
    // A machine's verdict that came before the stream (nobody live to act on it then) is acted on now.
    void scoped.callLog
      .findFirst({ where: { id: callId }, select: { answeredBy: true } })
      .then((row) => {
        const verdict = parseAnsweredBy(row?.answeredBy);
        if (verdict && answeringMachineAction(verdict) === "leave_voicemail") deps.liveCalls.actionsOf(callSid)?.leaveVoicemail();
      })
      .catch((err) => log.warn({ err }, "answering-machine verdict not read"));
  }
  limitCallDuration(session, { maxDurationMs, warnBeforeMs: timings.warnBeforeEndMs ?? WARN_BEFORE_END_MS });
  log.info({ transport: transport.kind }, "call answered");
  const answered = markCallAnswered(scoped, callId, session.answeredAt)
    // Armed now, brought forward when the call ends: if this process dies mid-call, the
    // call is still analysed (from what was stored) once its time is surely up.
    .then(() => queueCallAnalysis(scoped, { businessId, callId, runAt: new Date(Date.now() + maxDurationMs + ANALYSIS_SAFETY_NET_MS) }))
    .then(() => emitCallEvent(events, { type: "call.started", businessId, callId, data: { callSid, from: context.fromNumber, to: context.toNumber, direction: context.direction } }))
    .catch((err) => log.error({ err }, "call start not recorded"));

  const ended = await session.whenEnded;
  await answered;
  await usageWrites;
  try {
    await finaliseCall(scoped, { callId, endedAt: ended.endedAt, endReason: ended.endReason, durationSec: ended.durationSec, transferredTo: ended.transferredTo });
    // Due now that the log and the whole transcript (flushed as the session ended) are final.
    // Re-arms the job armed at the answer, so each call is analysed once.
    await queueCallAnalysis(scoped, { businessId, callId });
  } catch (err) {
    log.error({ err }, "call log not finalised (its analysis stays armed for later)");
  }
  await deps.liveCalls.finish(callSid);
  deps.metrics.callEnded(transport.kind, ended);
  log.info({ endReason: ended.endReason, durationSec: ended.durationSec, bargeIns: ended.bargeIns, segments: ended.transcriptSegments }, "call ended");
  await emitCallEvent(events, {
    type: "call.ended",
    businessId,
    callId,
    data: { callSid, endReason: ended.endReason, durationSec: ended.durationSec, transferredTo: ended.transferredTo ?? null },
  }).catch((err) => log.error({ err }, "call.ended not emitted"));
  await Promise.resolve(deps.hooks.onCallEnded?.(ended, context)).catch((err) => log.error({ err }, "onCallEnded hook failed"));
  return ended;
}
