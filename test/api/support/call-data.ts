// Realistic call data for a business, written as the relay writes it (CallLog,
// TranscriptSegment, CallMessage): varied times, statuses, sentiments, outcomes and topics.
import { randomBytes } from "node:crypto";
import type { CallLog, Business } from "@prisma/client";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { testDb } from "../../support/services.ts";

const CALLERS = ["+14155550101", "+14155550102", "+442071838750", "+33142685300", "+16175550199"];
const TOPICS = ["opening hours", "booking", "pricing", "parking", "cancellation", "delivery"];
const SENTIMENTS = ["positive", "neutral", "negative", null] as const;
const OUTCOMES = ["resolved", "message_taken", "transferred", "abandoned", null] as const;

export interface SeedCallOptions {
  count: number;
  /** Calls are spread back in time from here, one every `spacingMs`. */
  until?: Date;
  spacingMs?: number;
  summaryMarker?: string;
  withTranscript?: boolean;
}

export async function seedCalls(business: Pick<Business, "id">, toNumber: string, opts: SeedCallOptions): Promise<CallLog[]> {
  const scoped = forBusiness(testDb(), business.id);
  const until = opts.until ?? new Date();
  const spacing = opts.spacingMs ?? 3_600_000;
  const calls: CallLog[] = [];
  for (let i = 0; i < opts.count; i++) {
    const startedAt = new Date(until.getTime() - i * spacing);
    const durationSec = 30 + ((i * 37) % 400);
    const sentiment = SENTIMENTS[i % SENTIMENTS.length]!;
    const outcome = OUTCOMES[i % OUTCOMES.length]!;
    const call = await scoped.callLog.create({
      data: {
        businessId: business.id,
        callSid: `CA${randomBytes(16).toString("hex")}`,
        fromNumber: CALLERS[i % CALLERS.length]!,
        toNumber,
        status: i % 7 === 6 ? "no_answer" : "completed",
        startedAt,
        answeredAt: new Date(startedAt.getTime() + 2000),
        endedAt: new Date(startedAt.getTime() + 2000 + durationSec * 1000),
        durationSec,
        endReason: "caller_hangup",
        summary: `${opts.summaryMarker ?? ""} Caller asked about ${TOPICS[i % TOPICS.length]}.`.trim(),
        sentiment,
        sentimentScore: sentiment === "positive" ? 0.8 : sentiment === "negative" ? -0.6 : sentiment ? 0 : null,
        outcome,
        topics: [TOPICS[i % TOPICS.length]!, TOPICS[(i + 2) % TOPICS.length]!],
        analysisStatus: sentiment ? "done" : "pending",
        inputTokens: 1200 + i,
        outputTokens: 800 + i,
        costUsdMicros: 15_000 + i,
      },
    });
    if (opts.withTranscript) {
      await scoped.transcriptSegment.createMany({
        data: [
          { businessId: business.id, callId: call.id, sequence: 0, role: "agent", text: "Thanks for calling. How can I help you today?", startMs: 0, endMs: 2400 },
          { businessId: business.id, callId: call.id, sequence: 1, role: "caller", text: `Hi, I have a question about ${TOPICS[i % TOPICS.length]}.`, startMs: 2600, endMs: 5200 },
          { businessId: business.id, callId: call.id, sequence: 2, role: "agent", text: "Of course, let me check that for you.", startMs: 5400, endMs: 7600, interrupted: i % 3 === 0 },
        ],
      });
      if (outcome === "message_taken") {
        await scoped.callMessage.create({
          data: { businessId: business.id, callId: call.id, callerName: "Dana Whitfield", callbackNumber: call.fromNumber, message: "Please call me back about my booking." },
        });
      }
    }
    calls.push(call);
  }
  return calls;
}
