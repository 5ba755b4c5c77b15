// Post-call analysis by an OpenAI model: Chat Completions with a strict JSON schema (structured
// output), the answer validated with zod. Any failure throws so the durable job retries; the
// SDK's own retries are off because the job queue owns retrying, with backoff, across restarts.
import OpenAI from "openai";
import type { AppConfig } from "../../config/env.ts";
import { CallAnalysisSchema, JUDGED_OUTCOMES, MAX_TOPICS, SENTIMENTS, type AnalysisInput, type CallAnalyser } from "./call-analysis.ts";
import { reconcileOutcome } from "./call-outcome.ts";

export const ANALYSIS_SCHEMA_NAME = "call_analysis";

/** The answer's shape, in the subset of JSON Schema strict mode accepts. */
export const ANALYSIS_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["summary", "sentiment", "sentimentScore", "outcome", "topics"],
  properties: {
    summary: {
      type: "string",
      description: "Two or three plain sentences for the business: what the caller wanted, what the agent answered or did, how the call ended.",
    },
    sentiment: { type: "string", enum: [...SENTIMENTS], description: "The caller's overall sentiment." },
    sentimentScore: { type: "number", description: "The caller's sentiment from -1 (very negative) to 1 (very positive); 0 is neutral." },
    outcome: {
      type: "string",
      enum: [...JUDGED_OUTCOMES],
      description:
        "resolved: the caller got what they called for; message_taken: the agent took a message; transferred: handed to a person; abandoned: the caller left without stating or getting anything.",
    },
    topics: {
      type: "array",
      items: { type: "string" },
      description: `1 to ${MAX_TOPICS} short lowercase topics of the call (e.g. "opening hours", "pricing", "booking").`,
    },
  },
} as const;

const INSTRUCTIONS = `You analyse phone calls that an AI receptionist answered for a business.
Read the facts and the transcript and describe the call for the business owner.
Rely only on what the transcript and facts say; do not invent details. Sentiment is the caller's, not the agent's.
Write the summary in the third person ("The caller asked ..."), without greetings or filler.`;

/** Long calls are cut in the middle: the request is at the start and the resolution at the end. */
const MAX_TRANSCRIPT_CHARS = 48_000;

export function renderTranscript(input: AnalysisInput): string {
  const lines = input.transcript
    .filter((l) => l.role !== "system" && l.text.trim() !== "")
    .map((l) => (l.role === "tool" ? `[tool ${l.toolName ?? "call"}] ${l.text}` : `${l.role === "caller" ? "Caller" : "Agent"}: ${l.text}`));
  const whole = lines.join("\n");
  if (whole.length <= MAX_TRANSCRIPT_CHARS) return whole || "(nothing was said)";
  const head = whole.slice(0, MAX_TRANSCRIPT_CHARS / 3);
  const tail = whole.slice(whole.length - (MAX_TRANSCRIPT_CHARS * 2) / 3);
  return `${head}\n[... ${whole.length - head.length - tail.length} characters of the middle of the call omitted ...]\n${tail}`;
}

export function renderFacts(input: AnalysisInput): string {
  const { facts } = input;
  const lines = [
    input.businessName ? `Business: ${input.businessName}` : undefined,
    `Duration: ${facts.durationSec ?? "unknown"} s`,
    `Ended because: ${facts.endReason ?? "unknown"}`,
    `Transferred to a person: ${facts.transferred ? `yes${facts.transferredTo ? ` (${facts.transferredTo})` : ""}` : "no"}`,
    `Messages taken: ${facts.messagesTaken.length}`,
    ...facts.messagesTaken.map((m) => `- from ${m.callerName}, callback ${m.callbackNumber}: ${m.message}`),
  ];
  return lines.filter(Boolean).join("\n");
}

export class AnalysisAnswerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AnalysisAnswerError";
  }
}

export function createOpenAIAnalyser(
  config: Pick<AppConfig, "openai">,
  opts: { timeoutMs?: number } = {},
): CallAnalyser {
  const { apiKey, baseUrl, analysisModel } = config.openai;
  if (!apiKey) throw new Error("the OpenAI analyser needs OPENAI_API_KEY");
  const client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout: opts.timeoutMs ?? 60_000 });

  return {
    name: "openai",
    async analyse(input) {
      const completion = await client.chat.completions.create({
        model: analysisModel,
        temperature: 0,
        messages: [
          { role: "system", content: INSTRUCTIONS },
          { role: "user", content: `Facts:\n${renderFacts(input)}\n\nTranscript:\n${renderTranscript(input)}` },
        ],
        response_format: {
          type: "json_schema",
          json_schema: { name: ANALYSIS_SCHEMA_NAME, strict: true, schema: ANALYSIS_JSON_SCHEMA as unknown as Record<string, unknown> },
        },
      });
      const choice = completion.choices[0];
      if (!choice) throw new AnalysisAnswerError("OpenAI answered without a choice");
      if (choice.message.refusal) throw new AnalysisAnswerError(`the model refused to analyse the call: ${choice.message.refusal}`);
      if (choice.finish_reason !== "stop") throw new AnalysisAnswerError(`the model's answer was cut short (finish_reason ${choice.finish_reason})`);
      let json: unknown;
      try {
        json = JSON.parse(choice.message.content ?? "");
      } catch (err) {
        throw new AnalysisAnswerError(`the model's answer is not JSON: ${JSON.stringify((choice.message.content ?? "").slice(0, 80))}`, { cause: err });
      }
      const parsed = CallAnalysisSchema.safeParse(json);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "answer"}: ${i.message}`).join("; ");
        throw new AnalysisAnswerError(`the model's answer does not fit the analysis schema (${problems})`);
      }
      return { ...parsed.data, outcome: reconcileOutcome(parsed.data.outcome, input) };
    },
  };
}
