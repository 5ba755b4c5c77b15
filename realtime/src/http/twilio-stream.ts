// A Twilio Media Stream, after its upgrade signature was checked: waits for `start`,
// verifies the signed token it carries (bound to this callSid) before any model socket is
// opened for it, then runs the call.
import type WebSocket from "ws";
import type { Db } from "@frontdesk/core/db/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import { verifyStreamToken } from "@frontdesk/core/calls/stream-token";
import { loadCallContext } from "../admission/call-context.ts";
import type { LiveCalls } from "../admission/live-calls.ts";
import type { RelayMetrics } from "../metrics.ts";
import { TwilioTransport } from "../transports/twilio.ts";
import type { TwilioCalls } from "@frontdesk/core/telephony/twilio-calls";
import type { StreamExits } from "../transports/stream-exits.ts";
import type { CallContext } from "../admission/call-context.ts";
import type { ModelSocket } from "../model/socket.ts";
import type { CallTransport } from "../transports/transport.ts";
import type { TwilioRecordings } from "@frontdesk/core/telephony/twilio-recordings";
import { recordingStarted } from "@frontdesk/core/calls/call-recording";

export interface TwilioStreamDeps {
  appSecret: string;
  db: Db;
  liveCalls: LiveCalls;
  logger: Logger;
  metrics: RelayMetrics;
  rest: TwilioCalls | undefined;
  exits: StreamExits | undefined;
  runCall: (call: { transport: CallTransport; context: CallContext; model?: ModelSocket }) => Promise<unknown>;
  /** Records calls of businesses that chose to (their consent sentence was played before the stream). */
  recordings?: { client: Pick<TwilioRecordings, "configured" | "start">; statusCallback: string };
}

export async function acceptTwilioStream(ws: WebSocket, deps: TwilioStreamDeps): Promise<void> {
  const transport = new TwilioTransport(ws, { logger: deps.logger, rest: deps.rest, exits: deps.exits });
  const reject = (reason: string) => {
    deps.metrics.streamRejected(reason);
    deps.logger.warn({ reason }, "twilio stream refused");
    transport.close(1008, reason);
  };
  let start;
  try {
    start = await transport.started;
  } catch {
    return reject("no_start");
  }
  const verified = verifyStreamToken(deps.appSecret, start.customParameters.token, "twilio-stream");
  if (!verified.ok) return reject(`token_${verified.reason}`);
  const { claims } = verified;
  if (claims.callSid !== start.callSid || !claims.callId) return reject("token_wrong_call");
  if (deps.liveCalls.isLive(start.callSid)) return reject("duplicate_stream");
  const pending = deps.liveCalls.take(start.callSid);
  const context = pending?.context ?? (await loadCallContext(deps.db, claims.businessId, claims.callId).catch(() => null));
  if (!context || context.callSid !== start.callSid) {
    pending?.model?.close();
    return reject("unknown_call");
  }
  if (context.agent.recordCalls && deps.recordings?.client.configured) void startRecording(deps, context);
  await deps.runCall({ transport, context, model: pending?.model });
}

/** Starts the call's recording at Twilio beside the call: a failure loses the recording, not the call. */
async function startRecording(deps: TwilioStreamDeps, context: CallContext): Promise<void> {
  const { client, statusCallback } = deps.recordings!;
  try {
    const { recordingSid } = await client.start(context.callSid, statusCallback);
    await recordingStarted(deps.db, context.callSid, recordingSid);
  } catch (err) {
    deps.logger.error({ err, callSid: context.callSid }, "the call could not be recorded");
  }
}
