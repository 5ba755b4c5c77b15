// Closes the call's log when its stream ends. If Twilio's final status callback came first,
// its status, end time and billed duration stand; we only add why the call ended.
import type { TenantDb } from "../db/tenant.ts";
import { TERMINAL_CALL_STATUSES } from "./call-status.ts";

export interface FinaliseCallInput {
  callId: string;
  endedAt: Date;
  /** caller_hangup, agent_end_call, transferred, model_unavailable, shutdown, ... */
  endReason: string;
  /** Our own measure, used until Twilio's CallDuration arrives. */
  durationSec: number;
  transferredTo?: string;
}

export async function finaliseCall(db: TenantDb, input: FinaliseCallInput): Promise<void> {
  const closed = await db.callLog.updateMany({
    where: { id: input.callId, status: { notIn: [...TERMINAL_CALL_STATUSES] } },
    data: {
      status: "completed",
      endedAt: input.endedAt,
      endReason: input.endReason,
      durationSec: input.durationSec,
      ...(input.transferredTo ? { transferredTo: input.transferredTo } : {}),
    },
  });
  if (closed.count === 0) {
    await db.callLog.updateMany({
      where: { id: input.callId, endReason: null },
      data: { endReason: input.endReason, ...(input.transferredTo ? { transferredTo: input.transferredTo } : {}) },
    });
    await db.callLog.updateMany({ where: { id: input.callId, durationSec: null }, data: { durationSec: input.durationSec } });
  }
}
