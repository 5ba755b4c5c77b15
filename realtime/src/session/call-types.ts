// What a call session is given and what it reports: its dependencies, its metrics, and
// the record of a call once it has ended.
import type { Logger } from "@frontdesk/core/observability/logger";
import type { RealtimeUsage } from "@frontdesk/core/calls/realtime-usage";
import type { CallTransport } from "../transports/transport.ts";
import type { AgentTool, ToolContext } from "../tools/tool.ts";
import type { ModelSocket } from "../model/socket.ts";
import type { PlaybackOptions } from "./playback.ts";
import type { TranscriptSink } from "./transcript-recorder.ts";
import type { CallSession } from "./call-session.ts";

export interface CallIdentity {
  callId: string;
  callSid: string;
  businessId: string;
}

export interface CallSessionDeps {
  call: CallIdentity;
  transport: CallTransport;
  model: ModelSocket;
  /** The session.update to send first; omit when it went out as the socket was pre-opened. */
  sessionUpdate?: Record<string, unknown>;
  /** The response.create that makes the agent greet the caller. */
  greeting: Record<string, unknown>;
  tools: readonly AgentTool[];
  toolContext: Omit<ToolContext, "signal" | "hangUpAfterPlayback" | "transferAfterPlayback" | "canTransfer">;
  transcript: TranscriptSink;
  onUsage?: (usage: RealtimeUsage) => void;
  /** A keypad digit (DTMF transfer and the like plug in here). */
  onDtmf?: (digit: string, session: CallSession) => void;
  logger: Logger;
  clock?: () => number;
  playback?: PlaybackOptions;
  /** How long a tool runs before the agent says a holding phrase (ms; default 1500). */
  holdingAfterMs?: number;
  /** How long an after-playback hang-up or transfer waits for the audio at most. */
  afterPlaybackTimeoutMs?: number;
  /** What the caller hears from the phone network when the model cannot be reached at all. */
  apology?: { message: string; thenDial: string | null };
  metrics?: SessionMetrics;
}

/** What a session reports as it runs; nothing here may cost more than an increment per frame. */
export interface SessionMetrics {
  counts: { framesIn: number; framesOut: number };
  /** How long agent audio waited in the relay before it was sent to the caller. */
  agentAudioForwarded(waitedMs: number): void;
  toolCalled(name: string, latencyMs: number, ok: boolean): void;
}

export interface CallEnded {
  call: CallIdentity;
  endReason: string;
  answeredAt: Date;
  endedAt: Date;
  durationSec: number;
  transferredTo?: string;
  bargeIns: number;
  responses: number;
  usage: RealtimeUsage;
  transcriptSegments: number;
}
