// Writes a call's transcript to Postgres one finished utterance at a time, in order, as
// each completes (a crash loses at most the utterance in flight), and publishes each one
// as a `call.transcript` event for the dashboard's live view.
import type { SpeakerRole } from "@prisma/client";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { TenantDb } from "@frontdesk/core/db/tenant";
import { appendTranscriptSegment } from "@frontdesk/core/calls/append-transcript-segment";
import type { ToolCallRecord } from "@frontdesk/core/calls/tool-call-record";

export interface SegmentDraft {
  role: SpeakerRole;
  text: string;
  startMs: number;
  endMs?: number | null;
  itemId?: string | null;
  interrupted?: boolean;
  toolName?: string | null;
  tool?: ToolCallRecord | null;
  latencyMs?: number | null;
}

export interface TranscriptSink {
  write(segment: SegmentDraft): void;
  /** Resolves when everything written so far is stored. */
  flush(): Promise<void>;
  readonly written: number;
}

export interface TranscriptRecorderDeps {
  db: TenantDb;
  businessId: string;
  callId: string;
  logger: Logger;
  /** Called after each segment is stored. */
  onStored?: (segment: SegmentDraft & { sequence: number }) => Promise<void> | void;
}

export function createTranscriptRecorder(deps: TranscriptRecorderDeps): TranscriptSink {
  let sequence = 0;
  let written = 0;
  let chain: Promise<void> = Promise.resolve();
  return {
    write(segment) {
      if (!segment.text.trim()) return;
      const seq = sequence++;
      const store = () => appendTranscriptSegment(deps.db, { ...segment, businessId: deps.businessId, callId: deps.callId, sequence: seq });
      chain = chain.then(async () => {
        try {
          // One retry: a pool hiccup should not cost the caller's words.
          await store().catch(() => store());
          written++;
          await deps.onStored?.({ ...segment, sequence: seq });
        } catch (err) {
          deps.logger.error({ err, sequence: seq, role: segment.role }, "transcript segment not stored");
        }
      });
    },
    flush() {
      return chain;
    },
    get written() {
      return written;
    },
  };
}
