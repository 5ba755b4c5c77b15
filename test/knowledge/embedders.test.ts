import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APIError } from "openai";
import { cosine, VECTOR_DIMENSIONS } from "@frontdesk/core/knowledge/embedders/embedder";
import { createLocalEmbedder, embedText } from "@frontdesk/core/knowledge/embedders/local-embedder";
import { createOpenAIEmbedder } from "@frontdesk/core/knowledge/embedders/openai-embedder";
import { withQueryCache } from "@frontdesk/core/knowledge/embedders/cached-query-embedder";
import { createEmbedder } from "@frontdesk/core/knowledge/embedders/index";
import { bagOfWords, EMBEDDING_LIMITS, startOpenAIEmbeddingsStandIn, type OpenAIEmbeddingsStandIn } from "../stand-ins/openai-embeddings.ts";
import { testCache, testConfig } from "../support/services.ts";

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe("local embedder", () => {
  const local = createLocalEmbedder();

  it("gives every text a unit-length 1536-wide vector, the same one every time", async () => {
    const [a, b] = await local.embedDocuments(["We open at 9am on Saturdays.", "We open at 9am on Saturdays."]);
    expect(a!.length).toBe(VECTOR_DIMENSIONS);
    expect(norm(a!)).toBeCloseTo(1, 5);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(Array.from(await local.embedQuery("We open at 9am on Saturdays."))).toEqual(Array.from(a!));
  });

  it("puts texts that share words near each other and unrelated texts far apart", () => {
    const q = embedText("When do you open on Saturday?");
    const hours = embedText("Opening hours: on Saturdays we open at 9am and close at 1pm.");
    const parking = embedText("Free parking is behind the building.");
    expect(cosine(q, hours)).toBeGreaterThan(0.2);
    expect(cosine(q, parking)).toBeLessThan(0.05);
  });

  it("forgives a misspelling through shared character trigrams", () => {
    const doc = embedText("Vaccinations for puppies and kittens");
    const typo = cosine(embedText("vacinations"), doc);
    expect(typo).toBeGreaterThan(local.noiseFloor!);
    expect(typo).toBeGreaterThan(cosine(embedText("grooming"), doc) + 0.05);
  });

  it("weighs a rare word above stop words and common words", () => {
    const doc = embedText("Microchipping costs $45.");
    expect(cosine(embedText("the microchip"), doc)).toBeGreaterThan(cosine(embedText("the cost of a service"), doc));
  });

  it("still gives text made only of stop words (or none at all) a unit vector", () => {
    expect(norm(embedText("what is it"))).toBeCloseTo(1, 5);
    expect(norm(embedText("!!!"))).toBeCloseTo(1, 5);
  });
});

describe("OpenAI embedder (against a local server speaking OpenAI's embeddings API)", () => {
  let api: OpenAIEmbeddingsStandIn;
  beforeAll(async () => {
    api = await startOpenAIEmbeddingsStandIn();
  });
  afterAll(async () => {
    await api.close();
  });
  const embedder = (extra: Partial<Parameters<typeof createOpenAIEmbedder>[0]> = {}) =>
    createOpenAIEmbedder({ apiKey: api.apiKey, baseUrl: api.url, model: "text-embedding-3-small", maxRetries: 3, ...extra });

  it("returns one unit-length 1536-wide vector per input, in input order, from one request", async () => {
    const before = api.requests.length;
    const texts = ["first text about parking", "second text about hours", "third text about prices"];
    const vectors = await embedder().embedDocuments(texts);
    expect(api.requests.length - before).toBe(1);
    expect(api.requests.at(-1)).toMatchObject({ model: "text-embedding-3-small", inputs: 3, dimensions: 1536, status: 200 });
    vectors.forEach((v, i) => {
      expect(v.length).toBe(VECTOR_DIMENSIONS);
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(cosine(v, bagOfWords(texts[i]!, 1536))).toBeCloseTo(1, 5);
    });
  });

  it("splits work over the API's limits (2,048 inputs, 300,000 tokens per request) so no request is refused", async () => {
    const before = api.requests.length;
    const many = Array.from({ length: 2100 }, (_, i) => `short input ${i}`);
    expect((await embedder().embedDocuments(many)).length).toBe(2100);
    const long = Array.from({ length: 260 }, (_, i) => `${i} ` + "word ".repeat(1000)); // ~1,250 tokens each, 325k in all
    expect((await embedder().embedDocuments(long)).length).toBe(260);
    const sent = api.requests.slice(before);
    expect(sent.every((r) => r.status === 200)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...sent.map((r) => r.inputs))).toBeLessThanOrEqual(EMBEDDING_LIMITS.inputsPerRequest);
    expect(Math.max(...sent.map((r) => r.tokens))).toBeLessThanOrEqual(EMBEDDING_LIMITS.tokensPerRequest);
  });

  it("retries 429 and 503 answers for documents with backoff and then succeeds; a query is tried once", async () => {
    api.failNext(2, 429);
    const before = api.requests.length;
    const [v] = await embedder().embedDocuments(["retry me"]);
    expect(cosine(v!, bagOfWords("retry me", 1536))).toBeCloseTo(1, 5);
    expect(api.requests.slice(before).map((r) => r.status)).toEqual([429, 429, 200]);
    api.failNext(1, 503);
    await expect(embedder().embedQuery("and me")).rejects.toThrow(/503/);
    expect(api.requests.slice(-1).map((r) => r.status)).toEqual([503]);
    await embedder().embedQuery("and me");
    expect(api.requests.slice(-1).map((r) => r.status)).toEqual([200]);
  });

  it("an outage longer than its retries surfaces as the API's error", async () => {
    api.down(503);
    try {
      const err = await embedder({ maxRetries: 1 }).embedDocuments(["nobody home"]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).status).toBe(503);
    } finally {
      api.up();
    }
  });

  it("asks for fewer dimensions when configured and pads the vector to 1536 (cosine unchanged)", async () => {
    const e = embedder({ dimensions: 256 });
    expect(e.id).toBe("openai:text-embedding-3-small:256");
    const [a, b] = await e.embedDocuments(["dogs and cats", "cats and birds"]);
    expect(api.requests.at(-1)?.dimensions).toBe(256);
    expect(a!.length).toBe(VECTOR_DIMENSIONS);
    expect(Array.from(a!.slice(256)).every((x) => x === 0)).toBe(true);
    expect(cosine(a!, b!)).toBeCloseTo(cosine(bagOfWords("dogs and cats", 256), bagOfWords("cats and birds", 256)), 5);
  });

  it("refuses a width for a model that cannot shorten its vectors, before any request", () => {
    expect(() => embedder({ model: "text-embedding-ada-002", dimensions: 512 })).toThrow(/fixed width/);
    expect(() => embedder({ dimensions: 2048 })).toThrow(/from 1 to 1536/);
  });

  it("a wrong API key is a non-retryable 401", async () => {
    const err = await createOpenAIEmbedder({ apiKey: "sk-wrong", baseUrl: api.url, model: "text-embedding-3-small" }).embedQuery("x").catch((e: unknown) => e);
    expect((err as APIError).status).toBe(401);
  });

  it("is the embedder chosen when OPENAI_API_KEY is set; the local one otherwise", () => {
    const withKey = createEmbedder({ config: testConfig({ OPENAI_API_KEY: api.apiKey, OPENAI_BASE_URL: api.url, OPENAI_EMBEDDING_DIMENSIONS: "512" }) });
    expect(withKey.id).toBe("openai:text-embedding-3-small:512");
    expect(createEmbedder({ config: testConfig({ OPENAI_API_KEY: "" }) }).id).toBe("local-lexical-v1");
  });

  it("caches query embeddings by model and text in the shared cache: a repeated question costs no request", async () => {
    const cache = testCache();
    try {
      const cached = withQueryCache(embedder(), cache);
      const question = `Do you open on Sundays? ${Date.now()}`;
      const before = api.requests.length;
      const first = await cached.embedQuery(question);
      const second = await cached.embedQuery(`  ${question.toUpperCase()} `);
      expect(api.requests.length - before).toBe(1);
      expect(Array.from(second)).toEqual(Array.from(first));
      // Another model's cache entry is its own.
      await withQueryCache(embedder({ dimensions: 64 }), cache).embedQuery(question);
      expect(api.requests.length - before).toBe(2);
    } finally {
      await cache.close();
    }
  });
});
