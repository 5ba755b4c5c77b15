import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";

const FACT = "On Saturdays we open at 8am and close at 2pm.";
let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath({
    scenario: {
      callerTurns: ["What time do you open on Saturday?"],
      reply: ({ transcript }) => ({
        tool: { name: "search_knowledge_base", arguments: { query: transcript } },
        then: (output) => {
          const result = JSON.parse(output) as { found: boolean; results?: { text: string }[] };
          return result.found ? `Sure. ${result.results![0]!.text}` : "Sorry, I don't know.";
        },
      }),
    },
  });
  biz = await createTestBusiness(path.db, {
    name: "Bluebird Bakery",
    agent: { greeting: "Thanks for calling {business}, this is the bakery assistant." },
    knowledge: [
      { title: "Opening hours", content: `We are open Monday to Friday from 7am to 6pm. ${FACT}` },
      { title: "Cakes", content: "Custom birthday cakes need three days notice." },
    ],
  });
});
afterAll(async () => {
  await path.close();
});

describe("a call answered by the agent", () => {
  it("greets the caller first with the business's greeting, then answers from the knowledge base", async () => {
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    expect(phone.twiml?.stream?.url).toBe("wss://relay.frontdesk.test/twilio/stream");
    const model = await path.model.connection(1);

    // The greeting plays before the caller says anything.
    await phone.waitForHeard(400);
    expect(phone.trace.some((e) => e.kind === "speech")).toBe(false);

    await model.waitFor(() => model.sentOfType("response.done").length >= 1, 5_000, "the greeting to finish");
    const greetingMs = [...model.items.values()][0]!.producedBytes / 8;
    await phone.waitForHeard(greetingMs, 5_000); // the caller lets the greeting finish
    phone.say(900, 800);
    await model.waitFor(() => model.receivedOfType("conversation.item.create").length === 1, 5_000, "the tool output");
    await model.waitFor(() => model.sentOfType("response.done").length >= 3, 8_000, "the answer");
    await phone.waitFor(() => phone.received.filter((m) => m.event === "mark").length > 0 && phone.playedMs > 0, 5_000, "audio");

    const call = await eventually(
      () => path.db.callLog.findUnique({ where: { callSid: phone.callSid }, include: { segments: { orderBy: { sequence: "asc" } } } })
        .then((c) => (c && c.segments.some((s) => s.role === "agent" && s.text.includes("8am")) ? c : null)),
      10_000,
      "the answer in the transcript",
    );
    const [first] = call.segments;
    expect(first).toMatchObject({ role: "agent", text: "Thanks for calling Bluebird Bakery, this is the bakery assistant.", interrupted: false });
    expect(call.segments.map((s) => s.role)).toEqual(["agent", "caller", "tool", "agent"]);
    expect(call.segments[1]!.text).toBe("What time do you open on Saturday?");
    expect(call.segments[2]!.toolName).toBe("search_knowledge_base");
    // The tool call is kept structured, with the search's trace: which document answered.
    const hours = await forBusiness(path.db, biz.business.id).rAGContent.findFirstOrThrow({ where: { title: "Opening hours" } });
    expect(call.segments[2]!.tool).toMatchObject({
      name: "search_knowledge_base",
      arguments: { query: "What time do you open on Saturday?" },
      ok: true,
      summary: expect.stringContaining("Opening hours"),
      knowledge: { query: "What time do you open on Saturday?", mode: "hybrid", degraded: false, hits: [expect.objectContaining({ contentId: hours.id, title: "Opening hours", textRank: 1 })] },
    });
    expect(call.segments[3]!.text).toContain(FACT);

    await phone.hangUp();
    const ended = await eventually(() => path.db.callLog.findUnique({ where: { callSid: phone.callSid } }).then((c) => (c?.status === "completed" ? c : null)));
    expect(ended.endReason).toBe("caller_hangup");
    expect(ended.answeredAt).not.toBeNull();
    // Token usage of every response adds up on the call.
    const usage = model.responses.reduce((sum, r) => sum + Number(r.usage?.output_tokens ?? 0), 0);
    expect(ended.outputTokens).toBe(usage);
    expect(await forBusiness(path.db, biz.business.id).transcriptSegment.count({ where: { callId: ended.id } })).toBe(4);
  });
});
