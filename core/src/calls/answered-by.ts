// Stores Twilio's answering-machine verdict on an outbound call: who answered, and for a
// machine the call's outcome (voicemail), which the post-call analysis keeps.
import type { Db } from "../db/client.ts";
import { answeringMachineAction, type AnsweredBy } from "../telephony/answering-machine.ts";

/** The call's id and business, or null when no outbound call has that CallSid. */
export async function recordAnsweredBy(db: Db, callSid: string, answeredBy: AnsweredBy): Promise<{ callId: string; businessId: string } | null> {
  // System lookup: Twilio names the call by its globally unique SID, and signed the request.
  const call = await db.callLog.findUnique({ where: { callSid }, select: { id: true, businessId: true, direction: true } });
  if (!call || call.direction !== "outbound") return null;
  const voicemail = answeringMachineAction(answeredBy) === "leave_voicemail";
  await db.callLog.update({ where: { id: call.id }, data: { answeredBy, ...(voicemail ? { outcome: "voicemail" } : {}) } });
  return { callId: call.id, businessId: call.businessId };
}
