// The analyser that needs no network: AFINN sentiment over the caller's words, an extractive
// summary, keyword topics and rule-based outcome. Used when OPENAI_API_KEY is unset, and as the
// last-attempt fallback when the OpenAI analyser keeps failing.
import { CallAnalysisSchema, type AnalysisInput, type CallAnalyser } from "./call-analysis.ts";
import { callerSentiment } from "./caller-sentiment.ts";
import { outcomeByRules } from "./call-outcome.ts";
import { extractiveSummary } from "./extractive-summary.ts";
import { salientTopics } from "./salient-topics.ts";

export function analyseLocally(input: AnalysisInput) {
  const outcome = outcomeByRules(input);
  const caller = input.transcript.filter((l) => l.role === "caller").map((l) => l.text);
  const { sentiment, score } = callerSentiment(caller);
  return CallAnalysisSchema.parse({
    summary: extractiveSummary(input, outcome),
    sentiment,
    sentimentScore: score,
    outcome,
    topics: salientTopics(input),
  });
}

export function createLocalAnalyser(): CallAnalyser {
  return {
    name: "local",
    analyse: async (input) => analyseLocally(input),
  };
}
