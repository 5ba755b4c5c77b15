// Hanging up or transferring only once the agent's last words have been heard: the action
// waits until the model is quiet and every chunk sent to the caller has had its mark echoed
// (or a time limit passed), then asks the line to hang up or dial. A failed transfer keeps
// the caller on the line with the agent.
import type { Logger } from "@frontdesk/core/observability/logger";
import type { CallTransport } from "../transports/transport.ts";

export type LeaveAction = { kind: "hangup"; reason: string } | { kind: "transfer"; to: string };

export interface LeaveAfterPlaybackDeps {
  transport: Pick<CallTransport, "hangUp" | "transfer">;
  /** The agent is still speaking, or is about to (a response in progress, asked for or queued). */
  busy: () => boolean;
  end: (reason: string, transferredTo?: string) => unknown;
  onTransferFailed: (to: string, err: unknown) => void;
  logger: Logger;
  timeoutMs?: number;
}

export class LeaveAfterPlayback {
  private action: LeaveAction | undefined;
  /** Wait for one more response to begin (the one that follows a tool's output). */
  private awaitingResponse = false;
  private timer: NodeJS.Timeout | undefined;
  /** Why the call is ending, once the line was asked to end it (it then closes from its side). */
  endingAs: { reason: string; transferredTo?: string } | undefined;

  constructor(private readonly deps: LeaveAfterPlaybackDeps) {}

  get pending(): LeaveAction | undefined {
    return this.action;
  }
  /** A transfer or hang-up is on its way. */
  get leaving(): boolean {
    return Boolean(this.action || this.endingAs);
  }

  set(action: LeaveAction, awaitResponse = false): void {
    this.action = action;
    this.awaitingResponse = awaitResponse;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), this.deps.timeoutMs ?? 20_000);
    this.check();
  }

  /** `response.created` */
  responseStarted(): void {
    this.awaitingResponse = false;
  }

  /** Runs the action if the agent's words have all been heard. */
  check(): void {
    if (!this.action || this.awaitingResponse || this.deps.busy()) return;
    this.run();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.action = undefined;
  }

  /** Runs the pending action now, heard or not (the model is gone and will say nothing more). */
  runNow(): void {
    this.run();
  }

  private run() {
    const action = this.action;
    if (!action) return;
    this.cancel();
    this.awaitingResponse = false;
    if (action.kind === "hangup") {
      this.endingAs = { reason: action.reason };
      this.deps.transport.hangUp().then(
        () => this.deps.end(action.reason),
        (err) => {
          this.deps.logger.error({ err }, "hanging up failed; closing the stream");
          this.deps.end(action.reason);
        },
      );
      return;
    }
    this.endingAs = { reason: "transferred", transferredTo: action.to };
    this.deps.transport.transfer(action.to).then(
      () => this.deps.end("transferred", action.to),
      (err) => {
        this.endingAs = undefined;
        this.deps.onTransferFailed(action.to, err);
      },
    );
  }
}
