// One call between a caller and the model, whatever line the caller is on. Relays caller
// audio to the model and agent audio back, greets first, barges in exactly (PROTOCOLS §4),
// runs tools, writes each finished utterance to the transcript as it completes, adds up
// token usage, and ends once with everything the post-call work needs.
import type { Logger } from "@frontdesk/core/observability/logger";
import { parseRealtimeUsage, type RealtimeUsage } from "@frontdesk/core/calls/realtime-usage";
import type { TransportEndReason } from "../transports/transport.ts";
import { AudioDeltaReader, BETA_EVENT_NAMES, parseServerEvent, type ServerEvent } from "../model/events.ts";
import { restoreMessages } from "../model/restore.ts";
import { AgentPlayback, base64Bytes, type Base64, type ItemHeard } from "./playback.ts";
import type { TranscriptSink } from "./transcript-recorder.ts";
import { ToolCalls } from "./tool-calls.ts";
import { Utterances } from "./utterances.ts";
import { LeaveAfterPlayback } from "./leave-after-playback.ts";
import { Holding, HOLDING_PHRASE } from "./holding.ts";

import type { CallEnded, CallSessionDeps } from "./call-types.ts";

export type { CallIdentity, CallSessionDeps, SessionMetrics, CallEnded } from "./call-types.ts";

const APOLOGY = "I'm sorry, I'm having technical trouble and can't continue this call. Please call back in a few minutes. Goodbye.";
const TRANSFER_FAILED = "I'm sorry, I couldn't put you through just now. I can take a message and have someone call you back.";

/** A response that makes the agent say `text` word for word. */
export function sayExactly(text: string): string {
  return JSON.stringify({ type: "response.create", response: { instructions: `Say exactly this and nothing else: ${text}` } });
}


export class CallSession {
  readonly answeredAt = new Date();
  private readonly clock: () => number;
  private readonly t0: number;
  private readonly playback: AgentPlayback;
  private readonly deltas = new AudioDeltaReader();
  private readonly toolCalls: ToolCalls;
  private activeResponseId: string | undefined;
  private responseRequested = false;
  private cancelled = new Set<string>();
  private readonly utterances: Utterances;
  private readonly holding: Holding;
  /** The holding phrase was asked for / is being said (its response id once created). */
  private holdingRequested = false;
  private holdingResponseId: string | undefined;
  /** Tool outputs came in while the holding phrase played: the model answers once it is done. */
  private answerAfterHolding = false;
  private readonly leave: LeaveAfterPlayback;
  /** Words the session asked the agent to say, waiting for the model to be free. */
  private queuedSpeech: string[] = [];
  private modelDown = false;
  /** The caller was owed an answer when the model's socket dropped. */
  private owedAtDrop = false;
  private readonly transcript: TranscriptSink;
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
    this.utterances = new Utterances(deps.transcript, { callMs: () => this.callMs(), t0: this.t0 });
    this.transcript = this.utterances.transcript;
    // Agent audio goes straight from the playback to the line; the playback reports each message.
    this.playback = new AgentPlayback(deps.transport, { clock: this.clock, ...deps.playback });
    this.playback.onItemHeard = (heard) => this.onItemHeard(heard);
    const metrics = deps.metrics;
    if (metrics) {
      this.playback.onChunkSent = (waitedMs) => {
        metrics.counts.framesOut++;
        metrics.agentAudioForwarded(waitedMs);
      };
    }
    this.leave = new LeaveAfterPlayback({
      transport: deps.transport,
      busy: () => Boolean(this.activeResponseId || this.responseRequested || this.queuedSpeech.length || this.modelDown || this.playback.outstanding),
      end: (reason, to) => this.end(reason, to),
      onTransferFailed: (to, err) => {
        // The caller is still on the line with us: say so and carry on.
        this.log.error({ err, to }, "transfer failed; the call goes on");
        this.note(`The transfer to ${to} failed.`);
        this.say(TRANSFER_FAILED);
      },
      logger: deps.logger,
      timeoutMs: deps.afterPlaybackTimeoutMs,
    });
    this.holding = new Holding({
      toolMs: deps.holdingAfterMs,
      toolsRunning: () => this.toolCalls.running,
      sayHoldingPhrase: () => {
        if (this.ending || this.leave.leaving || !this.canRespond() || this.queuedSpeech.length) return;
        this.holdingRequested = true;
        this.sendToModel(sayExactly(HOLDING_PHRASE));
      },
      sendTone: (b64) => {
        if (!this.ending) deps.transport.sendAudio(b64);
      },
    });
    this.toolCalls = new ToolCalls({
      tools: deps.tools,
      context: (signal) => ({
        ...deps.toolContext,
        signal,
        canTransfer: deps.transport.canTransfer,
        // The agent's words after the tool's output are the goodbye or the hand-off.
        hangUpAfterPlayback: (reason = "agent_end_call") => this.leave.set({ kind: "hangup", reason }, true),
        transferAfterPlayback: (to) => this.leave.set({ kind: "transfer", to }, true),
      }),
      sendToModel: (m) => this.sendToModel(m),
      transcript: this.transcript,
      logger: deps.logger,
      callMs: () => this.callMs(),
      canRespond: () => this.canRespond(),
      onCalled: deps.metrics ? (name, ms, ok) => deps.metrics!.toolCalled(name, ms, ok) : undefined,
      onBusy: (running) => (running ? this.holding.toolStarted() : this.holding.toolsSettled()),
      onContinueDeferred: () => {
        if (this.holdingRequested || this.holdingResponseId) this.answerAfterHolding = true;
      },
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
      this.log.warn({ code: info.code, reason: info.reason, wasOpen: info.wasOpen }, "model unreachable: apologising and ending the call");
      void this.endWithApology();
    });
    const counts = this.deps.metrics?.counts;
    transport.onAudio(
      counts
        ? (b64) => {
            counts.framesIn++;
            model.sendAudio(b64);
          }
        : (b64) => model.sendAudio(b64),
    );
    transport.onMarkPlayed((name) => this.playback.onMark(name));
    transport.onDtmf((digit) => {
      this.note(`The caller pressed ${digit} on the keypad.`);
      this.deps.onDtmf?.(digit, this);
    });
    // A line we asked Twilio to end or redirect closes from its side: keep our reason.
    transport.onEnd((reason: TransportEndReason) => void this.end(this.leave.endingAs?.reason ?? reason, this.leave.endingAs?.transferredTo));
  }

  /** The model is free for a new response. */
  private canRespond(): boolean {
    return !this.activeResponseId && !this.responseRequested && !this.modelDown;
  }

  /**
   * Has the agent say `text` word for word: now if the model is free, else once it is. With
   * `interrupt`, whatever the agent is saying stops first, exactly as for a barge-in.
   */
  say(text: string, opts: { interrupt?: boolean } = {}): void {
    if (this.ending) return;
    if (opts.interrupt) {
      this.cutOff();
      this.queuedSpeech = []; // these words replace whatever was still to be said
    }
    this.queuedSpeech.push(sayExactly(text));
    this.speakQueued();
  }

  /** Says `sentence`, then puts the caller through to `to` once it has been heard. */
  transferAfterSaying(to: string, sentence: string): void {
    if (this.leave.leaving || this.ending) return;
    this.say(sentence, { interrupt: true });
    this.leave.set({ kind: "transfer", to });
  }

  /** Says `sentence`, then hangs up once it has been heard. */
  endAfterSaying(reason: string, sentence: string): void {
    if (this.leave.pending?.kind === "hangup" || this.leave.endingAs || this.ending) return;
    this.say(sentence, { interrupt: true });
    this.leave.set({ kind: "hangup", reason });
  }

  /** The line can put the caller through to a phone number. */
  get canTransfer(): boolean {
    return this.deps.transport.canTransfer;
  }

  /** A transfer or hang-up is on its way. */
  get leaving(): boolean {
    return this.leave.leaving || Boolean(this.ending);
  }

  /** A line in the transcript that nobody said (a keypad press, a time warning). */
  note(text: string): void {
    this.transcript.write({ role: "system", text, startMs: this.callMs() });
  }

  private speakQueued() {
    if (this.queuedSpeech.length === 0 || !this.canRespond()) return;
    this.sendToModel(this.queuedSpeech.shift()!);
  }

  /**
   * Stops the agent where the caller is in its audio: clears the caller's queue, cancels the
   * response in progress and truncates each unfinished item to what was heard (PROTOCOLS §4).
   * Returns what was cut (nothing when the agent had been heard in full).
   */
  private cutOff(): ItemHeard[] {
    const cut = this.playback.interrupt(); // clears the caller's queue first
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
    return cut;
  }

  /**
   * The model's socket dropped. The response in flight is gone: what of it was sent to the
   * caller still plays and is written as heard; nothing more of it will come.
   */
  modelDropped(): void {
    if (this.ending) return;
    this.modelDown = true;
    this.holding.modelDropped();
    this.holdingRequested = false;
    this.holdingResponseId = undefined;
    this.owedAtDrop = Boolean(this.activeResponseId || this.responseRequested || this.toolCalls.running || this.owedAtDrop);
    const dead = this.activeResponseId;
    this.activeResponseId = undefined;
    this.responseRequested = false;
    this.toolCalls.forgetResponses();
    if (dead) this.playback.onResponseDone(dead);
    this.utterances.allResponsesDone();
  }

  /** What a new model session is sent to carry on this call (see ModelLink's `restore`). */
  resumeMessages(): string[] {
    const owed = this.responses === 0 ? "greeting" : this.owedAtDrop ? "answer" : "nothing";
    const messages = restoreMessages(this.utterances.lines(), owed, this.deps.greeting);
    if (owed !== "nothing") this.responseRequested = true;
    return messages;
  }

  /** A new model session answers with the conversation restored. */
  modelRestored(): void {
    this.modelDown = false;
    this.owedAtDrop = false;
    this.holding.modelRestored();
    this.speakQueued();
    this.leave.check();
  }

  private async endWithApology(): Promise<void> {
    if (this.ending || this.leave.endingAs) return;
    // A transfer needs no model: the caller still gets the person they were promised.
    if (this.leave.pending?.kind === "transfer") return this.leave.runNow();
    this.leave.cancel();
    this.leave.endingAs = { reason: "model_unavailable" };
    this.playback.interrupt();
    const { message, thenDial } = this.deps.apology ?? { message: APOLOGY, thenDial: null };
    try {
      await this.deps.transport.endWithMessage(message, thenDial);
    } catch (err) {
      this.log.error({ err }, "the apology could not be played");
    }
    await this.end("model_unavailable");
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
    this.leave.cancel();
    this.holding.stop();
    this.toolCalls.abortAll();
    this.playback.finish();
    this.utterances.finish();
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
    const delta = this.deltas.read(data);
    if (delta) return this.onAudioDelta(delta.responseId, delta.itemId, delta.delta);
    const event = parseServerEvent(data);
    if (event) this.onEvent(event);
  }

  /** Agent audio: to the caller (unless its response was cut off), and counted for its words. */
  private onAudioDelta(responseId: string, itemId: string, b64: Base64) {
    const bytes = base64Bytes(b64);
    this.playback.onDelta(responseId, itemId, b64, bytes);
    this.utterances.audioProduced(itemId, bytes);
  }

  private onEvent(e: ServerEvent) {
    const type = BETA_EVENT_NAMES[e.type] ?? e.type;
    switch (type) {
      case "response.output_audio.delta": // one that the fast path could not read
        return this.onAudioDelta(String(e.response_id), String(e.item_id), String(e.delta ?? ""));
      case "response.created":
        this.activeResponseId = e.response?.id;
        this.responseRequested = false;
        if (this.holdingRequested) {
          this.holdingRequested = false;
          this.holdingResponseId = e.response?.id;
        }
        this.leave.responseStarted();
        this.responses++;
        return;
      case "response.output_audio.done":
        return this.playback.onItemAudioDone(String(e.item_id));
      case "response.output_audio_transcript.delta":
        return this.utterances.textDelta(String(e.item_id), String(e.delta ?? ""));
      case "response.output_audio_transcript.done":
        return this.utterances.textDone(String(e.item_id), e.transcript === undefined ? undefined : String(e.transcript));
      case "response.function_call_arguments.done":
        return this.toolCalls.onCall(e as { response_id?: string; call_id?: string; name?: string; arguments?: string });
      case "response.done":
        return this.onResponseDone(e.response ?? {});
      case "input_audio_buffer.speech_started":
        this.utterances.callerStarted(String(e.item_id), Number(e.audio_start_ms) || 0);
        // The caller started talking: if the agent is being heard, stop it exactly where it is.
        if (this.cutOff().length > 0) this.bargeIns++;
        return;
      case "input_audio_buffer.speech_stopped":
        return this.utterances.callerStopped(String(e.item_id), Number(e.audio_end_ms) || undefined);
      case "conversation.item.input_audio_transcription.completed":
        return this.utterances.callerSaid(String(e.item_id), String(e.transcript ?? ""));
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
    if (id === this.holdingResponseId) {
      this.holdingResponseId = undefined;
      // Cut off by the caller, the model answers them with the outputs in view instead.
      if (this.answerAfterHolding && response.status === "completed" && this.canRespond()) this.sendToModel(JSON.stringify({ type: "response.create" }));
      this.answerAfterHolding = false;
    }
    this.speakQueued();
    this.playback.onResponseDone(id);
    this.utterances.responseDone((response.output ?? []).map((item) => item.id));
    this.leave.check();
  }

  private onItemHeard(heard: ItemHeard) {
    this.utterances.heard(heard);
    this.leave.check();
  }

  private onModelError(error: { type?: string; code?: string; message?: string }) {
    // A cancel racing the model's own end of the response is expected and harmless.
    if (error.code === "response_cancel_not_active") return;
    this.log.warn({ code: error.code, type: error.type, message: error.message }, "model error");
  }
}
