// What the business's agent settings make the relay do on its own during a call: the keypad
// digit that puts the caller through to a person, and the maximum call length — a spoken
// warning shortly before it, then a polite goodbye and a hang-up.
import type { AgentConfig } from "@frontdesk/core/agent/agent-config";
import type { CallSession } from "./call-session.ts";

export const DTMF_HAND_OFF = "Sure, connecting you to a member of our team now. Please hold.";
export const DTMF_NO_TRANSFER = "Sorry, I can't put you through to a person right now, but I can take a message for you.";
export const MAX_DURATION_GOODBYE = "I'm sorry, we've reached the time limit for this call. Thank you for calling, goodbye.";

export function maxDurationWarning(warnBeforeMs: number): string {
  const seconds = Math.max(1, Math.round(warnBeforeMs / 1000));
  return `Just so you know, we only have about ${seconds} seconds left on this call.`;
}

type Session = Pick<CallSession, "say" | "transferAfterSaying" | "endAfterSaying" | "note" | "leaving" | "canTransfer" | "whenEnded">;

/** The keypad: the business's transfer digit puts the caller through, or says why it cannot. */
export function dtmfTransfer(agent: Pick<AgentConfig, "dtmfTransferDigit" | "transferNumber">) {
  return (digit: string, session: Session): void => {
    if (!agent.dtmfTransferDigit || digit !== agent.dtmfTransferDigit || session.leaving) return;
    if (agent.transferNumber && session.canTransfer) session.transferAfterSaying(agent.transferNumber, DTMF_HAND_OFF);
    else session.say(DTMF_NO_TRANSFER, { interrupt: true });
  };
}

export interface DurationLimit {
  maxDurationMs: number;
  /** How long before the end the caller is warned (no warning when the call is shorter). */
  warnBeforeMs: number;
}

/** Arms the call's time limit; the timers go when the call ends. */
export function limitCallDuration(session: Session, limit: DurationLimit): void {
  const warnAtMs = limit.maxDurationMs - limit.warnBeforeMs;
  const warn =
    warnAtMs > 0
      ? setTimeout(() => {
          session.note("The call is close to its maximum length.");
          session.say(maxDurationWarning(limit.warnBeforeMs));
        }, warnAtMs)
      : undefined;
  const end = setTimeout(() => {
    session.note("The call reached its maximum length.");
    session.endAfterSaying("max_duration", MAX_DURATION_GOODBYE);
  }, limit.maxDurationMs);
  void session.whenEnded.then(() => {
    clearTimeout(warn);
    clearTimeout(end);
  });
}
