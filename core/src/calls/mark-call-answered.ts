// Records that the agent picked up: the media stream started.
import type { TenantDb } from "../db/tenant.ts";
import { statusesBefore } from "./call-status.ts";

export async function markCallAnswered(db: TenantDb, callId: string, at: Date = new Date()): Promise<void> {
  const moved = await db.callLog.updateMany({
    where: { id: callId, status: { in: statusesBefore("in_progress") } },
    data: { status: "in_progress", answeredAt: at },
  });
  if (moved.count === 0) {
    // A status callback got there first (or the call already ended): keep its status.
    await db.callLog.updateMany({ where: { id: callId, answeredAt: null }, data: { answeredAt: at } });
  }
}
