// Applies a Twilio status callback to the call's log. Callbacks arrive before, during or
// after the media stream, repeated and in any order, so every write is conditional: a
// status only moves forward, and Twilio's billed duration wins over our own estimate.
import type { CallStatus } from "@prisma/client";
import type { Db } from "../db/client.ts";
import { forBusiness } from "../db/tenant.ts";
import { isTerminal, statusesBefore } from "./call-status.ts";
import { openCallLog } from "./open-call-log.ts";
import { recordCallUsage } from "../billing/record-call-usage.ts";

export interface CallStatusUpdate {
  callSid: string;
  status: CallStatus;
  /** Twilio's CallDuration (s), sent with the final status. */
  durationSec?: number;
  fromNumber?: string;
  toNumber?: string;
  at?: Date;
}

export type ApplyCallStatusResult =
  | { applied: true; callId: string; businessId: string; terminal: boolean }
  | { applied: false; reason: "unknown_call" };

export async function applyCallStatus(db: Db, update: CallStatusUpdate): Promise<ApplyCallStatusResult> {
  const at = update.at ?? new Date();
  // System lookup: the callSid is all Twilio gives us; it is globally unique.
  let call = await db.callLog.findUnique({ where: { callSid: update.callSid }, select: { id: true, businessId: true } });
  if (!call) {
    // The callback overtook the voice webhook: create the row from the dialled number.
    const phone = update.toNumber
      ? await db.phoneNumber.findUnique({ where: { e164: update.toNumber }, select: { businessId: true } })
      : null;
    if (!phone) return { applied: false, reason: "unknown_call" };
    call = await openCallLog(forBusiness(db, phone.businessId), {
      businessId: phone.businessId,
      callSid: update.callSid,
      fromNumber: update.fromNumber ?? "",
      toNumber: update.toNumber ?? "",
      status: "queued",
    });
  }
  const scoped = forBusiness(db, call.businessId);
  const earlier = { in: statusesBefore(update.status) };
  const terminal = isTerminal(update.status);
  if (terminal) {
    await scoped.callLog.updateMany({
      where: { id: call.id, status: earlier },
      data: { status: update.status, endedAt: at, ...(update.status !== "completed" ? { endReason: update.status } : {}) },
    });
    if (update.durationSec !== undefined) {
      await scoped.callLog.updateMany({ where: { id: call.id }, data: { durationSec: update.durationSec } });
      // Twilio's final duration is what the call's minutes are billed on.
      if (update.status === "completed") {
        const log = await scoped.callLog.findUniqueOrThrow({ where: { id: call.id }, select: { fromNumber: true } });
        await recordCallUsage(db, { id: call.id, businessId: call.businessId, fromNumber: log.fromNumber, durationSec: update.durationSec, at });
      }
    }
  } else {
    await scoped.callLog.updateMany({ where: { id: call.id, status: earlier }, data: { status: update.status } });
    if (update.status === "in_progress") {
      await scoped.callLog.updateMany({ where: { id: call.id, answeredAt: null }, data: { answeredAt: at } });
    }
  }
  return { applied: true, callId: call.id, businessId: call.businessId, terminal };
}
