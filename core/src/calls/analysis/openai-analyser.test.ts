import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../../../../test/support/services.ts";
import { startOpenAIChatStandIn, type OpenAIChatStandIn } from "../../../../test/stand-ins/openai-chat.ts";
import { angryBillingCall, leakingSinkMessageCall, openingHoursCall } from "../../../../test/analysis/call-transcripts.ts";
import { ANALYSIS_JSON_SCHEMA, createOpenAIAnalyser } from "./openai-analyser.ts";

let openai: OpenAIChatStandIn;

beforeAll(async () => {
  openai = await startOpenAIChatStandIn({ models: ["gpt-4o-mini", "gpt-analysis-test"] });
});
afterAll(async () => {
  await openai.close();
});

const analyser = (overrides: Record<string, string> = {}) =>
  createOpenAIAnalyser(
    testConfig({ OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url, OPENAI_ANALYSIS_MODEL: "gpt-analysis-test", ...overrides }),
  );

const angryAnswer = {
  summary: "The caller complained about being charged twice for a cleaning and not getting a call back. The agent explained refunds.",
  sentiment: "negative",
  sentimentScore: -0.8,
  outcome: "resolved",
  topics: ["Billing", "duplicate charge", "callback", "billing"],
};

describe("OpenAI post-call analysis (real SDK against the Chat Completions stand-in)", () => {
  it("fills summary, sentiment, outcome and topics from the model's structured answer", async () => {
    openai.enqueue({ kind: "json", content: angryAnswer });
    const a = await analyser().analyse(angryBillingCall);

    expect(a).toEqual({
      summary: angryAnswer.summary,
      sentiment: "negative",
      sentimentScore: -0.8,
      outcome: "resolved",
      topics: ["billing", "duplicate charge", "callback"],
    });
  });

  it("asks the configured model for strict structured output and sends the transcript and facts", async () => {
    openai.enqueue({ kind: "json", content: angryAnswer });
    await analyser().analyse(leakingSinkMessageCall);

    const { body } = openai.requests.at(-1)!;
    expect(body.model).toBe("gpt-analysis-test");
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "call_analysis", strict: true, schema: ANALYSIS_JSON_SCHEMA },
    });
    const prompt = body.messages.map((m) => String(m.content)).join("\n");
    expect(prompt).toContain("Caller: Hi, my kitchen sink is leaking under the cabinet");
    expect(prompt).toContain("Agent: I can take a message for the plumber.");
    expect(prompt).toContain("Messages taken: 1");
    expect(prompt).toContain("from Dana Fox, callback +15550102233");
  });

  it("keeps the recorded facts over the model's outcome: a message taken is message_taken", async () => {
    openai.enqueue({ kind: "json", content: { ...angryAnswer, sentiment: "neutral", sentimentScore: 0, outcome: "resolved" } });
    expect((await analyser().analyse(leakingSinkMessageCall)).outcome).toBe("message_taken");

    openai.enqueue({ kind: "json", content: { ...angryAnswer, sentiment: "neutral", sentimentScore: 0, outcome: "transferred" } });
    expect((await analyser().analyse(openingHoursCall)).outcome).toBe("resolved");
  });

  it("throws when the answer is not JSON", async () => {
    openai.enqueue({ kind: "text", content: "Sure! Here is the analysis: {summary:" });
    await expect(analyser().analyse(openingHoursCall)).rejects.toThrow(/not JSON/);
  });

  it("throws when the answer does not fit the schema", async () => {
    openai.enqueue({ kind: "json", content: { ...angryAnswer, sentiment: "furious" } });
    await expect(analyser().analyse(openingHoursCall)).rejects.toThrow(/does not fit the analysis schema \(sentiment/);

    openai.enqueue({ kind: "json", content: { ...angryAnswer, sentiment: "positive", sentimentScore: -0.9 } });
    await expect(analyser().analyse(openingHoursCall)).rejects.toThrow(/sentimentScore contradicts sentiment/);
  });

  it("throws when the model refuses", async () => {
    openai.enqueue({ kind: "refusal", refusal: "I can't help with that." });
    await expect(analyser().analyse(openingHoursCall)).rejects.toThrow(/refused.*can't help/);
  });

  it("throws at once on a 500 or a 429, leaving retries to the job queue", async () => {
    const before = openai.requests.length;
    openai.failNext(1, 500);
    await expect(analyser().analyse(openingHoursCall)).rejects.toMatchObject({ status: 500 });
    openai.failNext(1, 429);
    await expect(analyser().analyse(openingHoursCall)).rejects.toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect(openai.requests.length - before).toBe(2);
  });

  it("throws a clear error on a wrong API key or an unknown model", async () => {
    await expect(analyser({ OPENAI_API_KEY: "sk-wrong-key-0000" }).analyse(openingHoursCall)).rejects.toMatchObject({
      status: 401,
      code: "invalid_api_key",
    });
    await expect(analyser({ OPENAI_ANALYSIS_MODEL: "gpt-nope" }).analyse(openingHoursCall)).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
  });
});
