// Steps the call-path tests share: waiting for the greeting to be heard, reading the call's
// log and transcript once the relay has written them.
import type { Db } from "@frontdesk/core/db/client";
import type { PhoneCall } from "../stand-ins/twilio-simulator.ts";
import type { StandInConnection } from "../stand-ins/openai-realtime.ts";
import { eventually } from "./harness.ts";

/** Agent audio the model produced so far, in ms, over every item. */
export function producedMs(model: StandInConnection): number {
  return [...model.items.values()].reduce((ms, i) => ms + i.producedBytes / 8, 0);
}

/**
 * Resolves once the caller has heard the whole greeting and the relay knows it (the phone can
 * finish playing before the relay's last mark comes back: wait for the greeting's line).
 */
export async function greetingHeard(phone: PhoneCall, model: StandInConnection, db?: Db): Promise<void> {
  await model.waitFor(() => model.responses[0]?.status === "completed", 8_000, "the greeting");
  const greetingMs = [...model.items.values()][0]!.producedBytes / 8;
  await phone.waitForHeard(greetingMs, 8_000);
  if (db) await transcriptWith(db, phone.callSid, (s) => s.role === "agent");
}

export function callBySid(db: Db, callSid: string) {
  return db.callLog.findUnique({ where: { callSid }, include: { segments: { orderBy: { sequence: "asc" } }, messages: true } });
}

/** The call's log once the relay has closed it (an end reason written). */
export function endedCall(db: Db, callSid: string, timeoutMs = 8_000) {
  return eventually(() => callBySid(db, callSid).then((c) => (c?.endReason && c.status === "completed" ? c : null)), timeoutMs, `call ${callSid} to end`);
}

/** The call's transcript once a segment matching `pred` is in it. */
export function transcriptWith(db: Db, callSid: string, pred: (s: { role: string; text: string; toolName: string | null }) => boolean, timeoutMs = 8_000) {
  return eventually(
    () => callBySid(db, callSid).then((c) => (c && c.segments.some(pred) ? c.segments : null)),
    timeoutMs,
    "a transcript line",
  );
}
