// One call between a caller and the model, whatever line the caller is on. Relays caller
// audio to the model and agent audio back, greets first, barges in exactly (PROTOCOLS §4),
// runs tools, writes each finished utterance to the transcript as it completes, adds up
// token usage, and ends once with everything the post-call work needs.
import type { Logger } from "@frontdesk/core/observability/logger";
import { parseRealtimeUsage, type RealtimeUsage } from "@frontdesk/core/calls/realtime-usage";
import type { CallTransport, TransportEndReason } from "../transports/transport.ts";
import type { AgentTool, ToolContext } from "../tools/tool.ts";
import type { ModelSocket } from "./model-socket.ts";
import { BETA_EVENT_NAMES, parseServerEvent, readAudioDelta, type AudioDelta, type ServerEvent } from "./model-events.ts";
import { AgentPlayback, base64Bytes, type ItemHeard, type PlaybackOptions } from "./playback.ts";
import type { TranscriptSink } from "./transcript-recorder.ts";
import { ToolCalls } from "./tool-calls.ts";
import { cutToHeard } from "./heard-text.ts";

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
  toolContext: Omit<ToolContext, "signal" | "hangUpAfterPlayback" | "transferAfterPlayback">;
  transcript: TranscriptSink;
  onUsage?: (usage: RealtimeUsage) => void;
  /** A keypad digit (DTMF transfer and the like plug in here). */
  onDtmf?: (digit: string, session: CallSession) => void;
  logger: Logger;
  clock?: () => number;
  playback?: PlaybackOptions;
  /** How long an after-playback hang-up or transfer waits for the audio at most. */
  afterPlaybackTimeoutMs?: number;
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

interface AgentUtterance {
  itemId: string;
  text: string;
  /** All audio the model produced for the item, late deltas included: what its words cover. */
  producedBytes: number;
  finalText?: string;
  responseDone: boolean;
  heard?: ItemHeard;
  written: boolean;
}

type AfterPlayback = { kind: "hangup"; reason: string } | { kind: "transfer"; to: string };

const APPEND_PREFIX = '{"type":"input_audio_buffer.append","audio":"';
const APPEND_SUFFIX = '"}';

export class CallSession {
  readonly answeredAt = new Date();
  private readonly clock: () => number;
  private readonly t0: number;
  private readonly playback: AgentPlayback;
  private readonly toolCalls: ToolCalls;
  private activeResponseId: string | undefined;
  private responseRequested = false;
  private cancelled = new Set<string>();
  private callerTurns = new Map<string, { startMs: number; endMs?: number }>();
  private utterances = new Map<string, AgentUtterance>();
  /** Items already in the transcript: their late events must not reopen them. */
  private writtenItems: string[] = [];
  private afterPlayback: AfterPlayback | undefined;
  private afterPlaybackTimer: NodeJS.Timeout | undefined;
  private ending: Promise<CallEnded> | undefined;
  private resolveEnded!: (e: CallEnded) => void;
  /** Resolves once the call has ended, however it ended. */
  readonly whenEnded: Promise<CallEnded> = new Promise((resolve) => (this.resolveEnded = resolve));
  private bargeIns = 0;
  private responses = 0;
  private usage: RealtimeUsage = { inputTokens: 0, outputTokens: 0, inputAudioTokens: 0, outputAudioTokens: 0, inputCachedTokens: 0, costUsdMicros: 0 };
  private readonly log: Logger;

  constructor(private readonly deps: CallSessionDeps) {
    this.clock = deps.clock ?? (() => performance.now());
    this.t0 = this.clock();
    this.log = deps.logger;
    this.playback = new AgentPlayback(deps.transport, { clock: this.clock, ...deps.playback });
    this.playback.onItemHeard = (heard) => this.onItemHeard(heard);
    this.toolCalls = new ToolCalls({
      tools: deps.tools,
      context: (signal) => ({
        ...deps.toolContext,
        signal,
        hangUpAfterPlayback: (reason = "agent_end_call") => this.setAfterPlayback({ kind: "hangup", reason }),
        transferAfterPlayback: (to) => this.setAfterPlayback({ kind: "transfer", to }),
      }),
      sendToModel: (m) => this.sendToModel(m),
      transcript: deps.transcript,
      logger: deps.logger,
      callMs: () => this.callMs(),
      canRespond: () => !this.activeResponseId && !this.responseRequested,
    });
  }

  /** Wires the line and the model together and asks for the greeting. */
  start(): void {
    const { transport, model } = this.deps;
    if (this.deps.sessionUpdate) model.send(JSON.stringify(this.deps.sessionUpdate));
    this.sendToModel(JSON.stringify(this.deps.greeting));
    model.onMessage((data) => this.onModelMessage(data));
    model.onClose((info) => {
      if (info.byUs) return;
      this.log.warn({ code: info.code, reason: info.reason, wasOpen: info.wasOpen }, "model socket closed mid-call");
      void this.end("model_unavailable");
    });
    transport.onAudio((b64) => model.send(APPEND_PREFIX + b64 + APPEND_SUFFIX));
    transport.onMarkPlayed((name) => this.playback.onMark(name));
    transport.onDtmf((digit) => this.deps.onDtmf?.(digit, this));
    transport.onEnd((reason: TransportEndReason) => void this.end(reason));
  }

  /** ms since the call was answered. */
  callMs(): number {
    return Math.round(this.clock() - this.t0);
  }

  /** Ends the call (idempotent): stops the model, stores what was heard, closes the line. */
  end(endReason: string, transferredTo?: string): Promise<CallEnded> {
    if (!this.ending) {
      this.ending = this.finish(endReason, transferredTo);
      void this.ending.then(this.resolveEnded);
    }
    return this.ending;
  }

  private async finish(endReason: string, transferredTo?: string): Promise<CallEnded> {
    const endedAt = new Date();
    clearTimeout(this.afterPlaybackTimer);
    this.toolCalls.abortAll();
    this.playback.finish();
    for (const u of this.utterances.values()) this.writeAgent(u, true);
    this.deps.model.close();
    this.deps.transport.close(1000, endReason);
    await this.deps.transcript.flush();
    return {
      call: this.deps.call,
      endReason,
      answeredAt: this.answeredAt,
      endedAt,
      durationSec: Math.max(0, Math.round((endedAt.getTime() - this.answeredAt.getTime()) / 1000)),
      transferredTo,
      bargeIns: this.bargeIns,
      responses: this.responses,
      usage: { ...this.usage },
      transcriptSegments: this.deps.transcript.written,
    };
  }

  private sendToModel(message: string) {
    if (message.startsWith('{"type":"response.create"')) this.responseRequested = true;
    this.deps.model.send(message);
  }

  private onModelMessage(data: Buffer) {
    if (this.ending) return;
    const delta = readAudioDelta(data);
    if (delta) return this.onAudioDelta(delta);
    const event = parseServerEvent(data);
    if (event) this.onEvent(event);
  }

  private onAudioDelta(d: AudioDelta) {
    this.playback.onDelta(d.responseId, d.itemId, d.delta);
    const u = this.utterances.get(d.itemId) ?? (this.isWritten(d.itemId) ? undefined : this.utterance(d.itemId));
    if (u) u.producedBytes += base64Bytes(d.delta);
  }

  private isWritten(itemId: string): boolean {
    return this.writtenItems.includes(itemId);
  }

  private onEvent(e: ServerEvent) {
    const type = BETA_EVENT_NAMES[e.type] ?? e.type;
    switch (type) {
      case "response.output_audio.delta": // one that the fast path could not read
        return this.onAudioDelta({ responseId: String(e.response_id), itemId: String(e.item_id), delta: String(e.delta ?? "") });
      case "response.created":
        this.activeResponseId = e.response?.id;
        this.responseRequested = false;
        this.responses++;
        return;
      case "response.output_audio.done":
        return this.playback.onItemAudioDone(String(e.item_id));
      case "response.output_audio_transcript.delta":
        if (!this.isWritten(String(e.item_id))) this.utterance(String(e.item_id)).text += String(e.delta ?? "");
        return;
      case "response.output_audio_transcript.done": {
        if (this.isWritten(String(e.item_id))) return;
        const u = this.utterance(String(e.item_id));
        u.finalText = String(e.transcript ?? u.text);
        return this.writeAgent(u);
      }
      case "response.function_call_arguments.done":
        return this.toolCalls.onCall(e as { response_id?: string; call_id?: string; name?: string; arguments?: string });
      case "response.done":
        return this.onResponseDone(e.response ?? {});
      case "input_audio_buffer.speech_started":
        this.callerTurns.set(String(e.item_id), { startMs: Number(e.audio_start_ms) || 0 });
        return this.bargeIn();
      case "input_audio_buffer.speech_stopped": {
        const turn = this.callerTurns.get(String(e.item_id));
        if (turn) turn.endMs = Number(e.audio_end_ms) || undefined;
        return;
      }
      case "conversation.item.input_audio_transcription.completed":
        return this.writeCaller(String(e.item_id), String(e.transcript ?? ""));
      case "error":
        return this.onModelError(e.error ?? {});
      default:
        return;
    }
  }

  private onResponseDone(response: { id?: string; status?: string; usage?: unknown; output?: { id?: string }[] }) {
    const id = String(response.id ?? "");
    if (this.activeResponseId === id) this.activeResponseId = undefined;
    const usage = parseRealtimeUsage(response.usage);
    for (const k of Object.keys(usage) as (keyof RealtimeUsage)[]) this.usage[k] += usage[k];
    this.deps.onUsage?.(usage);
    this.toolCalls.onResponseDone(id);
    this.playback.onResponseDone(id);
    for (const item of response.output ?? []) {
      const u = item.id ? this.utterances.get(item.id) : undefined;
      if (u) {
        u.responseDone = true;
        this.writeAgent(u);
      }
    }
    this.maybeRunAfterPlayback();
  }

  /** The caller started talking: if the agent is being heard, stop it exactly where it is. */
  private bargeIn() {
    const cut = this.playback.interrupt(); // clears the caller's queue first
    if (cut.length === 0) return;
    this.bargeIns++;
    const live = this.activeResponseId;
    if (live && !this.cancelled.has(live)) {
      this.cancelled.add(live);
      // Named, so a cancel that arrives after the model ended this response on its own
      // cannot cancel the next one.
      this.deps.model.send(JSON.stringify({ type: "response.cancel", response_id: live }));
    }
    for (const c of cut) {
      this.deps.model.send(JSON.stringify({ type: "conversation.item.truncate", item_id: c.itemId, content_index: 0, audio_end_ms: c.heardMs }));
    }
    this.log.debug({ cut: cut.map((c) => ({ item: c.itemId, heardMs: c.heardMs, sentMs: c.sentMs })) }, "barge-in");
  }

  private onItemHeard(heard: ItemHeard) {
    if (this.isWritten(heard.itemId)) return;
    const u = this.utterance(heard.itemId);
    u.heard = heard;
    this.writeAgent(u);
    this.maybeRunAfterPlayback();
  }

  private utterance(itemId: string): AgentUtterance {
    let u = this.utterances.get(itemId);
    if (!u) this.utterances.set(itemId, (u = { itemId, text: "", producedBytes: 0, responseDone: false, written: false }));
    return u;
  }

  /** Writes the agent's utterance once it has been heard (or cut off) and its words are known. */
  private writeAgent(u: AgentUtterance, force = false) {
    if (u.written || (!u.heard && !force)) return;
    const text = u.finalText ?? (u.responseDone || force ? u.text : undefined);
    if (text === undefined) return;
    u.written = true;
    this.utterances.delete(u.itemId);
    this.writtenItems.push(u.itemId);
    if (this.writtenItems.length > 32) this.writtenItems.shift();
    const heard = u.heard;
    const producedMs = Math.max(heard?.producedMs ?? 0, u.producedBytes / 8);
    const spoken = heard && heard.interrupted ? cutToHeard(text, heard.heardMs, producedMs) : heard ? text : "";
    const startMs = heard?.firstSentAt !== undefined ? Math.round(heard.firstSentAt - this.t0) : this.callMs();
    this.deps.transcript.write({
      role: "agent",
      text: spoken,
      startMs,
      endMs: startMs + (heard?.heardMs ?? 0),
      itemId: u.itemId,
      interrupted: heard?.interrupted ?? false,
    });
  }

  private writeCaller(itemId: string, transcript: string) {
    const turn = this.callerTurns.get(itemId);
    this.callerTurns.delete(itemId);
    this.deps.transcript.write({
      role: "caller",
      text: transcript.trim(),
      startMs: turn?.startMs ?? this.callMs(),
      endMs: turn?.endMs ?? null,
      itemId,
    });
  }

  private onModelError(error: { type?: string; code?: string; message?: string }) {
    // A cancel racing the model's own end of the response is expected and harmless.
    if (error.code === "response_cancel_not_active") return;
    this.log.warn({ code: error.code, type: error.type, message: error.message }, "model error");
  }

  private setAfterPlayback(action: AfterPlayback) {
    this.afterPlayback = action;
    clearTimeout(this.afterPlaybackTimer);
    this.afterPlaybackTimer = setTimeout(() => this.runAfterPlayback(), this.deps.afterPlaybackTimeoutMs ?? 20_000);
    this.maybeRunAfterPlayback();
  }

  private maybeRunAfterPlayback() {
    if (!this.afterPlayback || this.activeResponseId || this.responseRequested || this.playback.outstanding) return;
    this.runAfterPlayback();
  }

  private runAfterPlayback() {
    const action = this.afterPlayback;
    if (!action || this.ending) return;
    this.afterPlayback = undefined;
    clearTimeout(this.afterPlaybackTimer);
    const { transport } = this.deps;
    const done =
      action.kind === "hangup"
        ? transport.hangUp().then(() => this.end(action.reason))
        : transport.transfer(action.to).then(() => this.end("transferred", action.to));
    done.catch((err) => {
      this.log.error({ err, action: action.kind }, "ending the call after playback failed");
      void this.end(action.kind === "hangup" ? action.reason : "transfer_failed");
    });
  }
}
