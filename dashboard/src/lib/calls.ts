// How a call's outcome and Twilio's answering-machine verdict read to a business owner.
import type { Call } from "./types";
import { label } from "./format";

const ANSWERED_BY: Record<string, string> = {
  human: "A person",
  machine_end_beep: "An answering machine (the agent left the voicemail message after the beep)",
  machine_end_silence: "An answering machine (the agent left the voicemail message)",
  machine_end_other: "An answering machine (the agent left the voicemail message)",
  machine_start: "An answering machine",
  fax: "A fax machine (the agent hung up)",
  unknown: "Could not tell (the agent talked on)",
};

export function answeredByText(answeredBy: string): string {
  return ANSWERED_BY[answeredBy] ?? label(answeredBy);
}

export function outcomeText(call: Pick<Call, "outcome" | "direction">): string {
  if (call.outcome === "voicemail") return call.direction === "outbound" ? "Voicemail: an answering machine picked up and the agent left your voicemail message" : "Voicemail";
  if (call.outcome === "message_taken") return "Message taken";
  return label(call.outcome);
}
