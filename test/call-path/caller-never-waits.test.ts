// The caller never waits in silence: a tool that runs past ~1.5 s lets the agent say a short
// holding phrase, then the agent answers from the tool's output; a quick tool does not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { AGENT_TOOL_REGISTRY } from "@frontdesk/realtime/tools/index";
import type { AgentTool } from "@frontdesk/realtime/tools/tool";
import { HOLDING_PHRASE } from "@frontdesk/realtime/session/holding";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { startCallPath, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, transcriptWith } from "./call-steps.ts";

const ANSWER = "Yes, we're open until nine tonight.";
let searchDelayMs = 0;

/** The shipped knowledge search behind a backend that takes `searchDelayMs` to answer. */
const tools: AgentTool[] = AGENT_TOOL_REGISTRY.map((t) =>
  t.name === "search_knowledge_base"
    ? { ...t, handler: async (args, ctx) => (await sleep(searchDelayMs, undefined, { signal: ctx.signal }), t.handler(args, ctx)) }
    : t,
);

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath({
    tools,
    scenario: {
      callerTurns: ["How late are you open tonight?"],
      reply: () => ({ tool: { name: "search_knowledge_base", arguments: { query: "opening hours tonight" } }, then: () => ANSWER }),
    },
  });
  biz = await createTestBusiness(path.db, { name: "Late Deli", agent: { greeting: "Late Deli, hi." } });
});
afterAll(async () => {
  await path.close();
});

async function askAndHangUp(delayMs: number) {
  searchDelayMs = delayMs;
  const n = path.model.connections.length + 1;
  const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
  const model = await path.model.connection(n);
  await greetingHeard(phone, model);
  phone.say(800, 800);
  const segments = await transcriptWith(path.db, phone.callSid, (s) => s.role === "agent" && s.text === ANSWER, 15_000);
  await phone.hangUp();
  await endedCall(path.db, phone.callSid);
  return { segments, model };
}

describe("a slow tool", () => {
  it("past ~1.5 s, the agent says a holding phrase, then answers from the tool's output", async () => {
    const { segments, model } = await askAndHangUp(3_000);
    const agent = segments.filter((s) => s.role === "agent").map((s) => s.text);
    expect(agent).toEqual(["Late Deli, hi.", HOLDING_PHRASE, ANSWER]);
    const tool = segments.find((s) => s.role === "tool")!;
    expect(tool.latencyMs).toBeGreaterThanOrEqual(3_000);
    // The holding phrase went out while the tool was still running, not after it.
    const holding = segments.find((s) => s.text === HOLDING_PHRASE)!;
    expect(holding.startMs).toBeLessThan(tool.endMs!);
    expect(holding.startMs - tool.startMs).toBeGreaterThanOrEqual(1_400);
    // One response for the greeting, one that called the tool, the holding phrase, the answer.
    expect(model.responses.map((r) => r.status)).toEqual(["completed", "completed", "completed", "completed"]);
  });

  it("a quick tool gets no holding phrase", async () => {
    const { segments } = await askAndHangUp(0);
    expect(segments.filter((s) => s.role === "agent").map((s) => s.text)).toEqual(["Late Deli, hi.", ANSWER]);
  });
});
