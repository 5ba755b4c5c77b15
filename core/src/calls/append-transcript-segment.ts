// Writes one finished utterance (or tool call) of a call's transcript, as it completes.
import type { Prisma, SpeakerRole, TranscriptSegment } from "@prisma/client";
import type { TenantDb } from "../db/tenant.ts";
import type { ToolCallRecord } from "./tool-call-record.ts";

export interface TranscriptSegmentInput {
  businessId: string;
  callId: string;
  /** Order within the call, from 0; unique per call. */
  sequence: number;
  role: SpeakerRole;
  text: string;
  /** ms since the call was answered. */
  startMs: number;
  endMs?: number | null;
  /** The model's conversation item. */
  itemId?: string | null;
  /** The agent was cut off: `text` holds only what the caller heard. */
  interrupted?: boolean;
  toolName?: string | null;
  /** A tool call, structured. */
  tool?: ToolCallRecord | null;
  latencyMs?: number | null;
}

export function appendTranscriptSegment(db: TenantDb, s: TranscriptSegmentInput): Promise<TranscriptSegment> {
  return db.transcriptSegment.create({
    data: {
      businessId: s.businessId,
      callId: s.callId,
      sequence: s.sequence,
      role: s.role,
      text: s.text,
      startMs: Math.max(0, Math.round(s.startMs)),
      endMs: s.endMs === undefined || s.endMs === null ? null : Math.max(0, Math.round(s.endMs)),
      itemId: s.itemId ?? null,
      interrupted: s.interrupted ?? false,
      toolName: s.toolName ?? null,
      ...(s.tool ? { tool: s.tool as unknown as Prisma.InputJsonValue } : {}),
      latencyMs: s.latencyMs ?? null,
    },
  });
}
