// The Chat Completions stand-in holds requests to OpenAI's rules, so a request it accepts is one
// OpenAI would accept too (checked through the real SDK).
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAIChatStandIn, type OpenAIChatStandIn } from "../stand-ins/openai-chat.ts";
import { ANALYSIS_JSON_SCHEMA } from "@frontdesk/core/calls/analysis/openai-analyser";

let standIn: OpenAIChatStandIn;
let client: OpenAI;

beforeAll(async () => {
  standIn = await startOpenAIChatStandIn();
  client = new OpenAI({ apiKey: standIn.apiKey, baseURL: standIn.url, maxRetries: 0 });
});
afterAll(async () => {
  await standIn.close();
});

const schemaFormat = (schema: Record<string, unknown>) => ({
  type: "json_schema" as const,
  json_schema: { name: "answer", strict: true, schema },
});

describe("OpenAI Chat Completions stand-in", () => {
  it("rejects a strict schema with an open object, as OpenAI does", async () => {
    const open = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    await expect(
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], response_format: schemaFormat(open) }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("'additionalProperties' is required to be supplied and to be false") });
  });

  it("rejects a strict schema that leaves a property optional", async () => {
    const optional = { type: "object", additionalProperties: false, properties: { a: { type: "string" }, b: { type: "number" } }, required: ["a"] };
    await expect(
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], response_format: schemaFormat(optional) }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("Missing 'b'") });
  });

  it("accepts the analysis schema and, unscripted, answers with JSON that fits it", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Analyse this call." }],
      response_format: schemaFormat(ANALYSIS_JSON_SCHEMA as unknown as Record<string, unknown>),
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({
      summary: "stand-in",
      sentiment: "positive",
      sentimentScore: 0,
      outcome: "resolved",
      topics: [],
    });
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
  });

  it("rejects an unknown message role and a missing model", async () => {
    await expect(
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "robot", content: "hi" } as never] }),
    ).rejects.toMatchObject({ status: 400, param: "messages[0].role" });
    await expect(client.chat.completions.create({ model: "", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      status: 400,
      param: "model",
    });
  });

  it("requires the word json in the messages for json_object mode", async () => {
    await expect(
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], response_format: { type: "json_object" } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("must contain the word 'json'") });
  });

  it("refuses a request without the API key", async () => {
    const anonymous = new OpenAI({ apiKey: "sk-someone-else", baseURL: standIn.url, maxRetries: 0 });
    await expect(anonymous.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      status: 401,
      code: "invalid_api_key",
    });
  });
});
