// A summary without a model, built only from what was said: the caller's most informative
// request sentence, the agent's answer that best matches it, and the recorded facts (message
// taken, transfer, how it ended). Extractive, so it never claims what nobody said.
import { clip, type AnalysisInput, type CallOutcome } from "./call-analysis.ts";
import { contentWords, sentences } from "./text-tokens.ts";

const MAX_QUOTE_CHARS = 180;
export const MAX_LOCAL_SUMMARY_CHARS = 600;

/** Phrases that mark a caller sentence as a request. */
const REQUEST_CUES =
  /\b(want|need|i'd like|i would like|like to|someone to|looking for|not working|broken|leak\w*|can i|could i|can you|could you|would you|do you|are you|is there|how much|how long|what time|what are|when|where|book|schedule|appointment|reschedule|cancel|price|cost|quote|open|available|problem|issue|question)\b/i;

/** Agent sentences that carry no answer: greetings, offers, sign-offs. */
const AGENT_BOILERPLATE =
  /\b(how can i help|how may i help|what can i do for you|anything else|is there something else|thank(s| you) for calling|have a (great|good|nice|lovely)|goodbye|you're welcome|my pleasure)\b/i;

interface Candidate {
  text: string;
  index: number;
  words: string[];
}

function sentencesOf(input: AnalysisInput, role: "caller" | "agent"): Candidate[] {
  const out: Candidate[] = [];
  input.transcript.forEach((line, lineIndex) => {
    if (line.role !== role) return;
    // Numbers (a callback number read out) say little about what the call was about.
    for (const text of sentences(line.text)) out.push({ text, index: lineIndex, words: contentWords(text).filter((w) => !/^\d+$/.test(w)) });
  });
  return out;
}

function pickRequest(callerSentences: Candidate[]): Candidate | undefined {
  let best: { c: Candidate; score: number } | undefined;
  callerSentences.forEach((c, order) => {
    if (c.words.length === 0) return;
    const score =
      Math.min(c.words.length, 12) + (c.text.trim().endsWith("?") ? 2 : 0) + (REQUEST_CUES.test(c.text) ? 3 : 0) - order * 0.5;
    if (!best || score > best.score) best = { c, score };
  });
  return best?.c;
}

function pickAnswer(agentSentences: Candidate[], request: Candidate | undefined): Candidate | undefined {
  const asked = new Set(request?.words ?? []);
  let best: { c: Candidate; score: number } | undefined;
  agentSentences
    .filter((c) => !request || c.index > request.index)
    .forEach((c, order) => {
      if (c.words.length === 0 || AGENT_BOILERPLATE.test(c.text)) return;
      const overlap = c.words.filter((w) => asked.has(w)).length;
      // A question back ("what's your number?") is the agent asking, not answering.
      const asks = c.text.trim().endsWith("?") ? 4 : 0;
      const score = overlap * 2 + Math.min(c.words.length, 10) + (/\d/.test(c.text) ? 1 : 0) - asks - order * 0.75;
      if (!best || score > best.score) best = { c, score };
    });
  return best?.c;
}

function quote(text: string): string {
  return `"${clip(text, MAX_QUOTE_CHARS)}"`;
}

function factsSentences(input: AnalysisInput, outcome: CallOutcome): string[] {
  const { facts } = input;
  const out: string[] = [];
  for (const m of facts.messagesTaken) {
    out.push(`A message was taken from ${m.callerName} (callback ${m.callbackNumber}): ${quote(m.message)}.`);
  }
  if (facts.transferred) out.push(`The call was transferred to a person${facts.transferredTo ? ` at ${facts.transferredTo}` : ""}.`);
  if (facts.endReason === "max_duration") out.push("The call reached the maximum call length and was ended.");
  if (facts.endReason === "error") out.push("The call ended because of a technical problem.");
  if (outcome === "voicemail") out.push("An answering machine took the call; the agent left the voicemail message.");
  if (outcome === "abandoned") {
    const after = facts.durationSec !== null ? ` after ${facts.durationSec} s` : "";
    out.push(`The caller hung up${after} without stating a request.`);
  }
  return out;
}

export function extractiveSummary(input: AnalysisInput, outcome: CallOutcome): string {
  const request = pickRequest(sentencesOf(input, "caller"));
  const answer = pickAnswer(sentencesOf(input, "agent"), request);
  const parts: string[] = [];
  // A voicemail call's "caller" lines are the machine's greeting: nothing to quote.
  if (request && outcome !== "abandoned" && outcome !== "voicemail") {
    parts.push(`The caller ${request.text.trim().endsWith("?") ? "asked" : "said"}: ${quote(request.text)}.`);
    if (answer) parts.push(`The agent answered: ${quote(answer.text)}.`);
  }
  parts.push(...factsSentences(input, outcome));
  if (parts.length === 0) parts.push("The call had no spoken content to summarise.");
  return clip(parts.join(" ").replace(/([.?!])"\./g, '$1"'), MAX_LOCAL_SUMMARY_CHARS);
}
