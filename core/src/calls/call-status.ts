// Call statuses as Twilio names them and as we store them, and the order they move in: a
// status callback may arrive late, twice or out of order, so a status only ever moves forward.
import type { CallStatus } from "@prisma/client";

const FROM_TWILIO: Record<string, CallStatus> = {
  queued: "queued",
  ringing: "ringing",
  "in-progress": "in_progress",
  completed: "completed",
  busy: "busy",
  failed: "failed",
  "no-answer": "no_answer",
  canceled: "canceled",
};

export const TERMINAL_CALL_STATUSES: readonly CallStatus[] = ["completed", "busy", "failed", "no_answer", "canceled"];

/** The stored status for Twilio's `CallStatus` value, or null when it is not one. */
export function parseTwilioCallStatus(value: unknown): CallStatus | null {
  return typeof value === "string" ? (FROM_TWILIO[value] ?? null) : null;
}

export function isTerminal(status: CallStatus): boolean {
  return TERMINAL_CALL_STATUSES.includes(status);
}

const RANK: Record<CallStatus, number> = {
  queued: 0,
  ringing: 1,
  in_progress: 2,
  completed: 3,
  busy: 3,
  failed: 3,
  no_answer: 3,
  canceled: 3,
};

/** Statuses a call may move from to reach `next` (strictly earlier ones). */
export function statusesBefore(next: CallStatus): CallStatus[] {
  return (Object.keys(RANK) as CallStatus[]).filter((s) => RANK[s] < RANK[next]);
}
