// Topics without a model: the call's salient keywords and two-word phrases, stopword-filtered
// and ranked by how often they were said (the caller's words count double: it is their call).
import { MAX_TOPICS, type AnalysisInput } from "./call-analysis.ts";
import { STOPWORDS, sentences, words } from "./text-tokens.ts";

const CALLER_WEIGHT = 2;
const AGENT_WEIGHT = 1;
/** A phrase outranks its words only if it was said at least this much (weighted). */
const MIN_PHRASE_WEIGHT = 2;
/** A word said once by the agent alone is not a topic of the call. */
const MIN_TOPIC_WEIGHT = 2;

/** "hours" and "hour" are one topic; shown as whichever form was said more. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.length > 3 && word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

function isTopicWord(word: string, excluded: Set<string>): boolean {
  return word.length >= 3 && !/\d/.test(word) && !STOPWORDS.has(word) && !excluded.has(word) && !word.includes("'");
}

/** Runs of topic words between stopwords and punctuation: the candidate phrases. */
function runs(text: string, excluded: Set<string>): string[][] {
  const out: string[][] = [];
  for (const sentence of sentences(text)) {
    for (const clause of sentence.split(/[,;:()–—-]+/)) {
      let run: string[] = [];
      for (const w of words(clause)) {
        if (isTopicWord(w, excluded)) run.push(w);
        else if (run.length) (out.push(run), (run = []));
      }
      if (run.length) out.push(run);
    }
  }
  return out;
}

export function salientTopics(input: AnalysisInput, max = MAX_TOPICS): string[] {
  // The business's own name is in every greeting, and a caller's name is not a topic.
  const names = [input.businessName ?? "", ...input.facts.messagesTaken.map((m) => m.callerName)];
  const excluded = new Set(names.flatMap((n) => words(n)));
  const wordWeight = new Map<string, number>();
  const surface = new Map<string, Map<string, number>>();
  const phraseWeight = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  let position = 0;

  const bump = <K>(m: Map<K, number>, k: K, by: number) => m.set(k, (m.get(k) ?? 0) + by);
  for (const line of input.transcript) {
    if (line.role !== "caller" && line.role !== "agent") continue;
    const weight = line.role === "caller" ? CALLER_WEIGHT : AGENT_WEIGHT;
    for (const run of runs(line.text, excluded)) {
      const stems = run.map(stem);
      run.forEach((w, i) => {
        const s = stems[i]!;
        bump(wordWeight, s, weight);
        bump(surface.get(s) ?? surface.set(s, new Map()).get(s)!, w, 1);
        if (!firstSeen.has(s)) firstSeen.set(s, position++);
      });
      for (let i = 0; i + 1 < stems.length; i++) {
        const key = `${stems[i]} ${stems[i + 1]}`;
        bump(phraseWeight, key, weight);
        if (!firstSeen.has(key)) firstSeen.set(key, position++);
      }
    }
  }

  const shown = (s: string) => [...(surface.get(s) ?? new Map([[s, 1]]))].sort((a, b) => b[1] - a[1])[0]![0];
  const candidates: { key: string; parts: string[]; score: number }[] = [];
  for (const [key, w] of wordWeight) candidates.push({ key, parts: [key], score: w });
  for (const [key, w] of phraseWeight) {
    if (w < MIN_PHRASE_WEIGHT) continue;
    const parts = key.split(" ");
    // A phrase said as often as its words is the better topic ("oil change" over "oil").
    candidates.push({ key, parts, score: w * 1.5 });
  }
  candidates.sort((a, b) => b.score - a.score || firstSeen.get(a.key)! - firstSeen.get(b.key)!);

  const covered = new Set<string>();
  const picked: string[][] = [];
  for (const c of candidates) {
    if (c.score < MIN_TOPIC_WEIGHT) break;
    if (c.parts.every((p) => covered.has(p))) continue;
    c.parts.forEach((p) => covered.add(p));
    // A phrase takes the place of a word already picked on its own ("saturday" -> "saturday morning").
    const alone = picked.findIndex((t) => t.length === 1 && c.parts.includes(t[0]!));
    if (alone >= 0) picked[alone] = c.parts;
    else picked.push(c.parts);
    if (picked.length === max) break;
  }
  return picked.map((parts) => parts.map(shown).join(" "));
}
