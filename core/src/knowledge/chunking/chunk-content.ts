// Splits a knowledge document into retrieval chunks: cut along headings first, then
// paragraphs, then sentences, aiming at 300-500 tokens with a small sentence overlap inside
// a section. Every chunk's text starts with the document title (and, when it starts inside
// a section, that section's headings) so a chunk read alone still says what it is about.
import { countTokens } from "./tokens.ts";
import { readUnits, type TextUnit } from "./markdown-blocks.ts";

export interface ChunkOptions {
  /** Hard ceiling per chunk, title included. */
  maxTokens?: number;
  /** Below this a chunk keeps growing past paragraph and heading boundaries. */
  minTokens?: number;
  /** Sentences repeated from the previous chunk when a cut falls inside a section. */
  overlapTokens?: number;
}

export interface ContentChunk {
  position: number;
  text: string;
  tokenCount: number;
}

const BREADCRUMB_TOKENS = 24;

export const DEFAULT_CHUNKING = { maxTokens: 500, minTokens: 300, overlapTokens: 50 } as const;

export function chunkContent(doc: { title: string; content: string }, opts: ChunkOptions = {}): ContentChunk[] {
  const { maxTokens, minTokens, overlapTokens } = { ...DEFAULT_CHUNKING, ...opts };
  const title = doc.title.trim();
  const titleTokens = countTokens(title);
  // Room for the body once the title and a breadcrumb line are in front of it.
  const bodyBudget = Math.max(32, maxTokens - titleTokens - BREADCRUMB_TOKENS);
  const units = readUnits(doc.content, bodyBudget);

  const groups: TextUnit[][] = [];
  let current: TextUnit[] = [];
  let currentTokens = 0;

  const cut = (withOverlap: boolean) => {
    // A heading belongs with what follows it, never at the end of a chunk.
    const trailing: TextUnit[] = [];
    while (current.length > 1 && current[current.length - 1]!.kind === "heading") trailing.unshift(current.pop()!);
    groups.push(current);
    const carried = withOverlap ? overlapTail(current, overlapTokens) : [];
    current = [...carried, ...trailing];
    currentTokens = sum(current);
  };

  // Tokens from each unit to the end, so a short tail is kept with the chunk before it.
  const remaining = new Array<number>(units.length + 1).fill(0);
  for (let i = units.length - 1; i >= 0; i--) remaining[i] = remaining[i + 1]! + units[i]!.tokens;

  for (const [i, unit] of units.entries()) {
    if (current.length > 0) {
      const startsSection = unit.kind === "heading";
      if (currentTokens + unit.tokens > bodyBudget) {
        cut(!startsSection && sameSection(current[current.length - 1]!, unit));
        // Overlap must never push a unit over the ceiling.
        if (currentTokens + unit.tokens > bodyBudget) {
          current = current.filter((u) => u.kind === "heading");
          currentTokens = sum(current);
        }
      } else if (currentTokens >= minTokens && (startsSection || unit.opensParagraph) && currentTokens + remaining[i]! > bodyBudget) {
        cut(!startsSection && sameSection(current[current.length - 1]!, unit));
      }
    }
    current.push(unit);
    currentTokens += unit.tokens;
  }
  if (current.some((u) => u.kind === "sentence") || groups.length === 0) groups.push(current);

  return groups.map((group, position) => {
    const text = renderChunk(title, group);
    return { position, text, tokenCount: countTokens(text) };
  });
}

function renderChunk(title: string, group: TextUnit[]): string {
  const first = group[0];
  const lines = [title];
  // Starting inside a section: name it, since its heading line is in an earlier chunk.
  if (first && first.kind === "sentence" && first.sectionPath.length > 0) lines.push(breadcrumb(first.sectionPath));
  let body = "";
  for (const unit of group) {
    if (!body) body = unit.text;
    else if (unit.kind === "heading" || unit.opensParagraph) body += "\n\n" + unit.text;
    else body += " " + unit.text;
  }
  if (body) lines.push(body);
  return lines.join("\n\n");
}

/** "Pricing > Weekend rates", shortened from the outside in to fit its allowance. */
function breadcrumb(path: string[]): string {
  let parts = path;
  while (parts.length > 1 && countTokens(parts.join(" > ")) > BREADCRUMB_TOKENS) parts = parts.slice(1);
  let text = parts.join(" > ");
  while (countTokens(text) > BREADCRUMB_TOKENS) text = text.slice(0, Math.floor(text.length * 0.8));
  return text;
}

function overlapTail(group: TextUnit[], overlapTokens: number): TextUnit[] {
  const tail: TextUnit[] = [];
  let tokens = 0;
  for (let i = group.length - 1; i >= 0; i--) {
    const u = group[i]!;
    if (u.kind === "heading" || tokens + u.tokens > overlapTokens) break;
    tail.unshift(u);
    tokens += u.tokens;
  }
  if (tail.length === 0 || tail.length === group.length) return [];
  return [{ ...tail[0]!, opensParagraph: true }, ...tail.slice(1)];
}

function sameSection(a: TextUnit, b: TextUnit): boolean {
  return a.sectionPath.join("\u0000") === b.sectionPath.join("\u0000");
}

function sum(units: TextUnit[]): number {
  return units.reduce((n, u) => n + u.tokens, 0);
}
