// Twilio's answering-machine detection verdict (`AnsweredBy` on the AsyncAmdStatusCallback of
// a call placed with MachineDetection=DetectMessageEnd, AsyncAmd=true), read as what the agent
// should do: talk on (a person, or Twilio could not tell), leave the voicemail (a machine whose
// greeting has ended: after the beep, a silence, or something else), or hang up (a fax).

/** The values Twilio documents for AnsweredBy. `machine_start` comes only with MachineDetection=Enable. */
export const ANSWERED_BY = ["human", "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax", "unknown"] as const;
export type AnsweredBy = (typeof ANSWERED_BY)[number];

export type AnsweringMachineAction = "talk" | "leave_voicemail" | "hang_up";

export function parseAnsweredBy(value: unknown): AnsweredBy | null {
  return typeof value === "string" && (ANSWERED_BY as readonly string[]).includes(value) ? (value as AnsweredBy) : null;
}

export function answeringMachineAction(answeredBy: AnsweredBy): AnsweringMachineAction {
  switch (answeredBy) {
    case "machine_end_beep":
    case "machine_end_silence":
    case "machine_end_other":
      return "leave_voicemail";
    case "fax":
      return "hang_up";
    default:
      // human, unknown (Twilio could not tell: better a person hears the agent than is hung up
      // on) and machine_start (the greeting is still playing: its end comes in a later verdict).
      return "talk";
  }
}
