// What a fresh model session is told when the socket to the model dropped mid-call: the
// conversation so far as conversation items (the caller's and the agent's words as heard,
// tool results, keypad presses), a note that this is the same call, and — if the caller was
// owed an answer when the line dropped — a request to carry on.
import type { SpeakerRole } from "@prisma/client";

export interface SpokenLine {
  role: SpeakerRole;
  text: string;
  toolName?: string | null;
}

/** Enough for the model to pick the thread back up, small enough to send in a moment. */
export const MAX_LINES = 60;
const MAX_CHARS = 12_000;

const RESUMED_NOTE =
  "The connection dropped for a moment and has been restored. This is the same phone call, already in progress: do not greet the caller again. " +
  "If you were answering the caller, say briefly that the line cut out, then carry on from where you left off.";

function item(line: SpokenLine): Record<string, unknown> {
  switch (line.role) {
    case "caller":
      return { type: "message", role: "user", content: [{ type: "input_text", text: line.text }] };
    case "agent":
      return { type: "message", role: "assistant", content: [{ type: "output_text", text: line.text }] };
    case "tool":
      return { type: "message", role: "system", content: [{ type: "input_text", text: `Earlier in this call, the tool ${line.toolName ?? ""} was used: ${line.text}` }] };
    default:
      return { type: "message", role: "system", content: [{ type: "input_text", text: line.text }] };
  }
}

/** The most recent lines that fit, oldest first. */
function recent(lines: readonly SpokenLine[]): SpokenLine[] {
  const kept: SpokenLine[] = [];
  let chars = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < MAX_LINES; i--) {
    const line = lines[i]!;
    if (!line.text.trim()) continue;
    chars += line.text.length;
    if (chars > MAX_CHARS && kept.length > 0) break;
    kept.push(line);
  }
  return kept.reverse();
}

export function restoreMessages(lines: readonly SpokenLine[], owed: "greeting" | "answer" | "nothing", greeting: Record<string, unknown>): string[] {
  const out = recent(lines).map((l) => JSON.stringify({ type: "conversation.item.create", item: item(l) }));
  if (owed === "greeting") {
    out.push(JSON.stringify(greeting));
    return out;
  }
  out.push(JSON.stringify({ type: "conversation.item.create", item: item({ role: "system", text: RESUMED_NOTE }) }));
  // No instructions of its own: a response's instructions replace the session's for it.
  if (owed === "answer") out.push(JSON.stringify({ type: "response.create" }));
  return out;
}
