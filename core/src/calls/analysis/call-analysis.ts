// What post-call analysis takes and gives: a call's transcript and hard facts in, a summary,
// the caller's sentiment, the call's outcome and its topics out — whichever analyser runs.
import { z } from "zod";

export type SpeakerRole = "caller" | "agent" | "tool" | "system";

export interface TranscriptLine {
  role: SpeakerRole;
  text: string;
  toolName?: string | null;
}

export interface TakenMessage {
  callerName: string;
  callbackNumber: string;
  message: string;
}

/** What the relay knows for certain about the call, whatever the transcript suggests. */
export interface CallFacts {
  messagesTaken: TakenMessage[];
  transferred: boolean;
  transferredTo?: string | null;
  /** caller_hangup, agent_end_call, transferred, max_duration, error, ... */
  endReason: string | null;
  durationSec: number | null;
}

export interface AnalysisInput {
  businessName?: string;
  transcript: TranscriptLine[];
  facts: CallFacts;
}

export const SENTIMENTS = ["positive", "neutral", "negative"] as const;
export const OUTCOMES = ["resolved", "message_taken", "transferred", "abandoned", "voicemail"] as const;
/** The outcomes a model may judge; `voicemail` is a fact (the answering machine's verdict), never a judgement. */
export const JUDGED_OUTCOMES = OUTCOMES.filter((o) => o !== "voicemail");

export type CallSentiment = (typeof SENTIMENTS)[number];
export type CallOutcome = (typeof OUTCOMES)[number];

export interface CallAnalysis {
  summary: string;
  sentiment: CallSentiment;
  /** -1 (very negative) .. 1 (very positive). */
  sentimentScore: number;
  outcome: CallOutcome;
  topics: string[];
}

export type AnalyserName = "openai" | "local";

export interface CallAnalyser {
  readonly name: AnalyserName;
  /** Throws when no trustworthy analysis could be produced (the job then retries). */
  analyse(input: AnalysisInput): Promise<CallAnalysis>;
}

export const MAX_SUMMARY_CHARS = 1000;
export const MAX_TOPICS = 6;
export const MAX_TOPIC_CHARS = 60;

/** A finished analysis, checked before it is stored: any analyser's answer must pass. */
export const CallAnalysisSchema = z
  .object({
    summary: z.string().trim().min(1, "summary is empty").max(MAX_SUMMARY_CHARS * 2),
    sentiment: z.enum(SENTIMENTS),
    sentimentScore: z.number().min(-1).max(1),
    outcome: z.enum(OUTCOMES),
    topics: z.array(z.string()).max(20),
  })
  .refine((a) => !(a.sentiment === "positive" && a.sentimentScore < 0) && !(a.sentiment === "negative" && a.sentimentScore > 0), {
    message: "sentimentScore contradicts sentiment",
    path: ["sentimentScore"],
  })
  .transform(
    (a): CallAnalysis => ({
      ...a,
      summary: clip(a.summary, MAX_SUMMARY_CHARS),
      sentimentScore: Math.round(a.sentimentScore * 1000) / 1000,
      topics: normaliseTopics(a.topics),
    }),
  );

export function normaliseTopics(topics: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of topics) {
    const topic = raw.trim().toLowerCase().replace(/\s+/g, " ").slice(0, MAX_TOPIC_CHARS).trim();
    if (!topic || seen.has(topic)) continue;
    seen.add(topic);
    out.push(topic);
    if (out.length === MAX_TOPICS) break;
  }
  return out;
}

/** Cuts text at a word boundary, marking the cut. */
export function clip(text: string, maxChars: number): string {
  const t = text.trim();
  if (t.length <= maxChars) return t;
  const cut = t.slice(0, maxChars - 1);
  const space = cut.lastIndexOf(" ");
  return (space > maxChars * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "") + "…";
}
