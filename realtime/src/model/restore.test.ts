import { describe, expect, it } from "vitest";
import { restoreMessages, type SpokenLine } from "./restore.ts";

const greeting = { type: "response.create", response: { instructions: "Greet the caller." } };
const parsed = (messages: string[]) => messages.map((m) => JSON.parse(m) as Record<string, any>);

describe("restoring a conversation on a new model session", () => {
  it("replays the call as items — caller as user, agent as assistant, tools and notes as system — then a note, and no response unless one is owed", () => {
    const lines: SpokenLine[] = [
      { role: "agent", text: "Hello, Bluebird Bakery." },
      { role: "caller", text: "Are you open Sunday?" },
      { role: "tool", text: 'search_knowledge_base({"query":"sunday"}): {"found":true}', toolName: "search_knowledge_base" },
      { role: "system", text: "The caller pressed 0 on the keypad." },
    ];
    const out = parsed(restoreMessages(lines, "nothing", greeting));
    expect(out.map((e) => [e.type, e.item?.role, e.item?.content?.[0]?.type])).toEqual([
      ["conversation.item.create", "assistant", "output_text"],
      ["conversation.item.create", "user", "input_text"],
      ["conversation.item.create", "system", "input_text"],
      ["conversation.item.create", "system", "input_text"],
      ["conversation.item.create", "system", "input_text"],
    ]);
    expect(out[2]!.item.content[0].text).toContain("search_knowledge_base");
    expect(out.at(-1)!.item.content[0].text).toContain("do not greet the caller again");
    expect(parsed(restoreMessages(lines, "answer", greeting)).at(-1)).toEqual({ type: "response.create" });
  });

  it("a call that dropped before the greeting asks for the greeting again instead of a note", () => {
    expect(parsed(restoreMessages([], "greeting", greeting))).toEqual([greeting]);
  });

  it("keeps only the most recent lines of a long call, oldest first", () => {
    const lines = Array.from({ length: 200 }, (_, i): SpokenLine => ({ role: i % 2 ? "caller" : "agent", text: `line ${i} ` + "x".repeat(300) }));
    const out = parsed(restoreMessages(lines, "nothing", greeting)).slice(0, -1);
    expect(out.length).toBeLessThan(60);
    expect(out.at(-1)!.item.content[0].text.startsWith("line 199 ")).toBe(true);
    const numbers = out.map((e) => Number(/line (\d+)/.exec(e.item.content[0].text)![1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });
});
