// Creates the call's log when Twilio (or the browser) rings, or returns the existing one:
// Twilio retries webhooks, and a status callback may have created the row first.
import type { CallDirection, CallLog, CallStatus } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";

export interface OpenCallInput {
  businessId: string;
  callSid: string;
  fromNumber: string;
  toNumber: string;
  direction?: CallDirection;
  status?: CallStatus;
  /** Set when the call is refused at the door (closed, over the plan, no AI configured). */
  endReason?: string;
  endedAt?: Date;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

export async function openCallLog(db: TenantDb, input: OpenCallInput): Promise<CallLog> {
  const data = {
    businessId: input.businessId,
    callSid: input.callSid,
    fromNumber: input.fromNumber,
    toNumber: input.toNumber,
    direction: input.direction ?? "inbound",
    status: input.status ?? "ringing",
    endReason: input.endReason ?? null,
    endedAt: input.endedAt ?? null,
  };
  try {
    return await db.callLog.upsert({ where: { callSid: input.callSid }, create: data, update: {} });
  } catch (err) {
    // Two deliveries raced: the other one created it.
    if (!isUniqueViolation(err)) throw err;
    return db.callLog.findUniqueOrThrow({ where: { callSid: input.callSid } });
  }
}

export { isUniqueViolation };
