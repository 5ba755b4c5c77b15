// A tool call as a call's transcript keeps it: which tool, with what arguments, whether it
// worked, a one-line summary of its result, and for a knowledge search its trace.
import type { KnowledgeTrace } from "../knowledge/search-trace.ts";

export interface ToolCallRecord {
  name: string;
  /** The arguments as the model sent them (parsed JSON; the raw text when it did not parse). */
  arguments: Record<string, unknown> | string;
  ok: boolean;
  /** What came back, in a line (an error's message when `ok` is false). */
  summary: string;
  knowledge: KnowledgeTrace | null;
}

const MAX_SUMMARY = 300;

/** The tool's own summary, else its output as short JSON. */
export function summariseToolOutput(output: unknown): string {
  const text = typeof output === "string" ? output : JSON.stringify(output ?? null);
  return text.length > MAX_SUMMARY ? text.slice(0, MAX_SUMMARY - 1) + "…" : text;
}

/** Parsed arguments when they are a JSON object, else the raw text (cut). */
export function toolArguments(raw: string): Record<string, unknown> | string {
  try {
    const parsed: unknown = raw.trim() ? JSON.parse(raw) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through: keep what the model sent
  }
  return raw.slice(0, 500);
}
