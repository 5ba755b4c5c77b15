// Reads a document (Markdown or plain text) into the units the chunker packs: headings,
// and sentences that remember whether they open a paragraph and which section they sit in.
import { countTokens } from "./tokens.ts";

export interface TextUnit {
  kind: "heading" | "sentence";
  text: string;
  tokens: number;
  /** First sentence of a paragraph, list item or table row: a good place to cut. */
  opensParagraph: boolean;
  /** Headings above this unit, outermost first (for a heading: including itself). */
  sectionPath: string[];
}

const ATX_HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const SETEXT_UNDERLINE = /^(=+|-+)\s*$/;
const FENCE = /^(```|~~~)/;
const LINE_ITEM = /^\s*([-*+]\s|\d{1,3}[.)]\s|\|)/;
// A sentence ends at . ! ? (or …) plus closing quotes/brackets, before whitespace and a
// capital, digit or opening quote. Abbreviations like "e.g. the" stay joined (lower case next).
const SENTENCE_BREAK = /(?<=[.!?…]["'”’)\]]*)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])/u;

/** Splits text into units no larger than maxTokens each. */
export function readUnits(content: string, maxTokens: number): TextUnit[] {
  const lines = content.replace(/\r\n?/g, "\n").split("\n");
  const units: TextUnit[] = [];
  const path: { level: number; text: string }[] = [];
  let paragraph: string[] = [];
  let inFence = false;

  const sectionPath = () => path.map((p) => p.text);
  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    for (const group of lineGroups(paragraph)) {
      let first = true;
      for (const sentence of splitSentences(group)) {
        for (const piece of splitToFit(sentence, maxTokens)) {
          units.push({ kind: "sentence", text: piece, tokens: countTokens(piece), opensParagraph: first, sectionPath: sectionPath() });
          first = false;
        }
      }
    }
    paragraph = [];
  };
  const heading = (level: number, text: string) => {
    flushParagraph();
    while (path.length && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, text });
    const line = `${"#".repeat(level)} ${text}`;
    units.push({ kind: "heading", text: line, tokens: countTokens(line), opensParagraph: true, sectionPath: sectionPath() });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s+$/, "");
    if (FENCE.test(line.trim())) inFence = !inFence;
    if (inFence || FENCE.test(line.trim())) {
      paragraph.push(line);
      continue;
    }
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      heading(atx[1]!.length, atx[2]!);
      continue;
    }
    const next = lines[i + 1]?.trim() ?? "";
    if (line.trim() && paragraph.length === 0 && SETEXT_UNDERLINE.test(next) && !LINE_ITEM.test(line)) {
      heading(next.startsWith("=") ? 1 : 2, line.trim());
      i++;
      continue;
    }
    if (line.trim() === "") flushParagraph();
    else paragraph.push(line);
  }
  flushParagraph();
  return units;
}

/** Soft-wrapped lines join; list items and table rows each start their own group. */
function lineGroups(lines: string[]): string[] {
  const groups: string[] = [];
  for (const line of lines) {
    if (groups.length === 0 || LINE_ITEM.test(line)) groups.push(line.trim());
    else groups[groups.length - 1] += " " + line.trim();
  }
  return groups;
}

function splitSentences(text: string): string[] {
  return text.split(SENTENCE_BREAK).map((s) => s.trim()).filter(Boolean);
}

/** A sentence longer than the budget is cut at word boundaries (or inside a huge word). */
function splitToFit(sentence: string, maxTokens: number): string[] {
  if (countTokens(sentence) <= maxTokens) return [sentence];
  const pieces: string[] = [];
  let current = "";
  let currentTokens = 0;
  for (const word of sentence.split(/\s+/).flatMap((w) => splitWord(w, maxTokens))) {
    const t = countTokens(word);
    if (current && currentTokens + t > maxTokens) {
      pieces.push(current);
      current = "";
      currentTokens = 0;
    }
    current = current ? `${current} ${word}` : word;
    currentTokens += t;
  }
  if (current) pieces.push(current);
  return pieces;
}

function splitWord(word: string, maxTokens: number): string[] {
  if (countTokens(word) <= maxTokens) return [word];
  // Punctuation-heavy strings count one token per character, so windows of maxTokens chars fit.
  const out: string[] = [];
  for (let i = 0; i < word.length; i += maxTokens) out.push(word.slice(i, i + maxTokens));
  return out;
}
