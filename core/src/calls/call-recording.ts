// A call's recording as the call log keeps it: the SID Twilio gave when recording started,
// then Twilio's recording status callbacks (in any order and repeated: a deleted recording
// stays deleted, and a SID we already hold is never replaced by another call's).
import type { Db } from "../db/client.ts";

export const RECORDING_STATUSES = ["in-progress", "completed", "absent", "failed", "deleted"] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export function parseRecordingStatus(value: unknown): Exclude<RecordingStatus, "deleted"> | null {
  return value === "in-progress" || value === "completed" || value === "absent" || value === "failed" ? value : null;
}

export interface RecordingUpdate {
  callSid: string;
  recordingSid: string;
  status: Exclude<RecordingStatus, "deleted">;
  durationSec?: number;
}

/** Stores a recording's progress on its call; false when no call has that CallSid. */
export async function applyRecordingStatus(db: Db, update: RecordingUpdate): Promise<boolean> {
  // System lookup: Twilio names the call by its globally unique SID, and signed the request.
  const call = await db.callLog.findUnique({ where: { callSid: update.callSid }, select: { id: true, recordingSid: true, recordingStatus: true } });
  if (!call) return false;
  if (call.recordingSid && call.recordingSid !== update.recordingSid) return true; // not the call's recording
  if (call.recordingStatus === "deleted" || (call.recordingStatus === "completed" && update.status === "in-progress")) return true;
  await db.callLog.update({
    where: { id: call.id },
    data: { recordingSid: update.recordingSid, recordingStatus: update.status, ...(update.durationSec !== undefined ? { recordingDurationSec: update.durationSec } : {}) },
  });
  return true;
}

/** Twilio started recording the call (the status callback may have come first: it wins). */
export async function recordingStarted(db: Db, callSid: string, recordingSid: string): Promise<void> {
  await db.callLog.updateMany({ where: { callSid, recordingSid: null }, data: { recordingSid, recordingStatus: "in-progress" } });
}
