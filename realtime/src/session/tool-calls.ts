// Runs the tools the model calls during a call: validates the arguments, runs the handler
// with a time limit, returns the output to the model, records the call in the transcript,
// and asks the model to carry on once its response is over and every call has answered.
import type { Logger } from "@frontdesk/core/observability/logger";
import type { KnowledgeTrace } from "@frontdesk/core/knowledge/search-trace";
import { summariseToolOutput, toolArguments } from "@frontdesk/core/calls/tool-call-record";
import { isToolOutcome, type AgentTool, type ToolContext } from "../tools/tool.ts";
import type { TranscriptSink } from "./transcript-recorder.ts";

export interface ToolCallsDeps {
  tools: readonly AgentTool[];
  context: (signal: AbortSignal) => ToolContext;
  sendToModel: (message: string) => void;
  transcript: TranscriptSink;
  logger: Logger;
  /** ms since the call was answered. */
  callMs: () => number;
  /** False while a response is in progress (a new response.create would be refused). */
  canRespond: () => boolean;
  timeoutMs?: number;
  /** Each finished call, for the tool latency metric. */
  onCalled?: (name: string, latencyMs: number, ok: boolean) => void;
  /** A first tool started (true), or the last one running answered (false). */
  onBusy?: (running: boolean) => void;
  /** Outputs are in but the model was busy, so no response.create went with them. */
  onContinueDeferred?: () => void;
}

interface ResponseCalls {
  running: number;
  responseDone: boolean;
}

export class ToolCalls {
  private byResponse = new Map<string, ResponseCalls>();
  private aborter = new AbortController();
  private inFlight = 0;

  constructor(private readonly deps: ToolCallsDeps) {}

  /** `response.function_call_arguments.done` */
  onCall(event: { response_id?: string; call_id?: string; name?: string; arguments?: string }): void {
    const responseId = String(event.response_id ?? "");
    const callId = String(event.call_id ?? "");
    const name = String(event.name ?? "");
    const entry = this.byResponse.get(responseId) ?? { running: 0, responseDone: false };
    this.byResponse.set(responseId, entry);
    entry.running++;
    if (this.inFlight++ === 0) this.deps.onBusy?.(true);
    void this.run(callId, name, String(event.arguments ?? "{}")).finally(() => {
      entry.running--;
      if (--this.inFlight === 0) this.deps.onBusy?.(false);
      this.maybeContinue(responseId);
    });
  }

  /** `response.done`: the model is waiting for the outputs of this response's calls. */
  onResponseDone(responseId: string): void {
    const entry = this.byResponse.get(responseId);
    if (!entry) return;
    entry.responseDone = true;
    this.maybeContinue(responseId);
  }

  abortAll(): void {
    this.aborter.abort();
  }

  /**
   * The model's socket dropped: the responses these calls belong to are gone with it, so no
   * `response.create` follows them (the restored session is asked to carry on instead).
   */
  forgetResponses(): void {
    this.byResponse.clear();
  }

  /** A tool is still running. */
  get running(): boolean {
    for (const e of this.byResponse.values()) if (e.running > 0) return true;
    return false;
  }

  private maybeContinue(responseId: string) {
    const entry = this.byResponse.get(responseId);
    if (!entry || !entry.responseDone || entry.running > 0) return;
    this.byResponse.delete(responseId);
    if (this.aborter.signal.aborted) return;
    // If the caller spoke meanwhile, the model is already answering them with the output in view.
    if (this.deps.canRespond()) this.deps.sendToModel(JSON.stringify({ type: "response.create" }));
    else this.deps.onContinueDeferred?.();
  }

  private async run(callId: string, name: string, rawArgs: string): Promise<void> {
    const started = performance.now();
    const startMs = this.deps.callMs();
    const tool = this.deps.tools.find((t) => t.name === name);
    let output: unknown;
    let outcome: { output: unknown; summary?: string; knowledge?: KnowledgeTrace } = { output: undefined };
    let failed = false;
    const signal = AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.deps.timeoutMs ?? 8_000)]);
    try {
      if (!tool) throw new Error(`no tool named ${name}`);
      const args = tool.parse(rawArgs.trim() ? JSON.parse(rawArgs) : {});
      const result = await Promise.race([
        tool.handler(args, this.deps.context(signal)),
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("the tool took too long")), { once: true })),
      ]);
      outcome = isToolOutcome(result) ? result : { output: result };
      output = outcome.output;
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? err.message : String(err);
      this.deps.logger.warn({ tool: name, err: message }, "tool call failed");
      output = { error: message };
      outcome = { output, summary: message };
    }
    if (this.aborter.signal.aborted) return;
    const outputJson = JSON.stringify(output ?? null);
    this.deps.sendToModel(
      JSON.stringify({ type: "conversation.item.create", item: { type: "function_call_output", call_id: callId, output: outputJson } }),
    );
    const latencyMs = Math.round(performance.now() - started);
    this.deps.onCalled?.(name, latencyMs, !failed);
    this.deps.transcript.write({
      role: "tool",
      toolName: name,
      tool: {
        name,
        arguments: toolArguments(rawArgs),
        ok: !failed,
        summary: outcome.summary ?? summariseToolOutput(outcome.output),
        knowledge: outcome.knowledge ?? null,
      },
      text: `${name}(${rawArgs.slice(0, 500)})${failed ? " failed" : ""}: ${outputJson.slice(0, 1500)}`,
      startMs,
      endMs: startMs + latencyMs,
      latencyMs,
    });
  }
}
