// Runs one answered call from its first frame to its last: builds the session over the
// given line and model socket, records the answer, usage and transcript as they happen,
// and on the way out finalises the call log, frees the call's place and announces the end.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { KnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { emitCallEvent } from "@frontdesk/core/calls/call-events";
import { markCallAnswered } from "@frontdesk/core/calls/mark-call-answered";
import { finaliseCall } from "@frontdesk/core/calls/finalise-call";
import { recordCallUsage } from "@frontdesk/core/calls/realtime-usage";
import type { CallContext } from "../admission/call-context.ts";
import type { LiveCalls } from "../admission/live-calls.ts";
import type { CallTransport } from "../transports/transport.ts";
import type { AgentTool } from "../tools/tool.ts";
import { toolsFor } from "../tools/index.ts";
import type { RelayMetrics } from "../metrics.ts";
import { CallSession, type CallEnded } from "./call-session.ts";
import type { ModelSocket } from "./model-socket.ts";
import { prepareModel } from "./prepare-model.ts";
import { greetingRequest } from "./session-config.ts";
import { createTranscriptRecorder } from "./transcript-recorder.ts";

export interface CallHooks {
  /** After the call log is final: post-call analysis and the like plug in here. */
  onCallEnded?: (ended: CallEnded, context: CallContext) => Promise<void> | void;
  /** A keypad digit during the call. */
  onDtmf?: (digit: string, session: CallSession, context: CallContext) => void;
}

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
}

export async function runCall(
  deps: RunCallDeps,
  call: { transport: CallTransport; context: CallContext; model?: ModelSocket },
): Promise<CallEnded> {
  const { context, transport } = call;
  const { businessId, callId, callSid } = context;
  const log = deps.logger.child({ businessId, callSid, callId });
  const scoped = forBusiness(deps.db, businessId);
  const model = call.model ?? prepareModel({ config: deps.config, logger: log, tools: deps.tools }, context);
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
  const session = new CallSession({
    call: { callId, callSid, businessId },
    transport,
    model,
    greeting: greetingRequest(context.agent, context.business.name),
    tools: toolsFor(context.agent.enabledTools, deps.tools),
    toolContext: { businessId, callId, callSid, db: scoped, knowledge: deps.knowledge, agent: context.agent, logger: log },
    transcript,
    onUsage: (usage) => {
      usageWrites = usageWrites.then(() => recordCallUsage(scoped, callId, usage)).catch((err) => log.error({ err }, "usage not recorded"));
    },
    onDtmf: deps.hooks.onDtmf ? (digit, s) => deps.hooks.onDtmf!(digit, s, context) : undefined,
    logger: log,
  });

  deps.liveCalls.start(callSid, businessId, (reason) => session.end(reason));
  deps.metrics.callStarted(transport.kind);
  session.start();
  log.info({ transport: transport.kind }, "call answered");
  const answered = markCallAnswered(scoped, callId, session.answeredAt)
    .then(() => emitCallEvent(events, { type: "call.started", businessId, callId, data: { callSid, from: context.fromNumber, to: context.toNumber, direction: context.direction } }))
    .catch((err) => log.error({ err }, "call start not recorded"));

  const ended = await session.whenEnded;
  await answered;
  await usageWrites;
  try {
    await finaliseCall(scoped, { callId, endedAt: ended.endedAt, endReason: ended.endReason, durationSec: ended.durationSec, transferredTo: ended.transferredTo });
  } catch (err) {
    log.error({ err }, "call log not finalised");
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
