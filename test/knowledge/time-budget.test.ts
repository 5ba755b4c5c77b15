// A knowledge search never leaves a caller waiting on the embedding provider: past the query
// embedding's budget, or on any provider error, it answers from full text at once, says so,
// and does not retry. The real OpenAI SDK talks to a stand-in that hangs or refuses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { createKnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import { createEmbedder } from "@frontdesk/core/knowledge/embedders/index";
import { loadConfig } from "@frontdesk/core/config/env";
import { startOpenAIEmbeddingsStandIn, type OpenAIEmbeddingsStandIn } from "../stand-ins/openai-embeddings.ts";
import { testCache, testDb } from "../support/services.ts";
import { createTestBusiness } from "../support/fixtures.ts";

const db = testDb();
const cache = testCache();
let openai: OpenAIEmbeddingsStandIn;
let businessId: string;

const BUDGET_MS = 300;
const DOCS = [
  { title: "Opening hours", content: "We are open Monday to Friday 9am to 5pm, and Saturday 10am to 2pm." },
  { title: "Parking", content: "Free parking behind the building, entrance on Elm Street." },
];

beforeAll(async () => {
  openai = await startOpenAIEmbeddingsStandIn();
  businessId = (await createTestBusiness(db, { knowledge: DOCS })).business.id;
});
afterAll(async () => {
  await openai.close();
  await cache.close();
  await db.$disconnect();
});

/** The search as the relay and the API build it, from the environment. */
function searchFor(baseUrl: string) {
  const config = loadConfig({ OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: baseUrl, KNOWLEDGE_QUERY_EMBEDDING_BUDGET_MS: String(BUDGET_MS) });
  // No query cache: a cached embedding would hide the provider.
  const embedder = createEmbedder({ config });
  return createKnowledgeSearch({ db, config, embedder });
}

async function timed<T>(f: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await f();
  return { result, ms: performance.now() - started };
}

describe("the query embedding's time budget", () => {
  it("reads the budget from KNOWLEDGE_QUERY_EMBEDDING_BUDGET_MS, 800 ms by default", () => {
    expect(loadConfig({}).knowledge.queryEmbeddingBudgetMs).toBe(800);
    expect(loadConfig({ KNOWLEDGE_QUERY_EMBEDDING_BUDGET_MS: "250" }).knowledge.queryEmbeddingBudgetMs).toBe(250);
  });

  it("answers hybrid when the provider answers", async () => {
    openai.up();
    const answer = await searchFor(openai.url).answer({ businessId, query: "When are you open on Saturday?" });
    expect(answer).toMatchObject({ mode: "hybrid", degraded: false, reason: null });
    expect(answer.hits[0]?.title).toBe("Opening hours");
  });

  it("a provider that hangs: full text answers once the budget is spent, and the request is abandoned", async () => {
    openai.hang();
    try {
      const before = openai.requests.length;
      const { result, ms } = await timed(() => searchFor(openai.url).answer({ businessId, query: "When are you open on Saturday?" }));
      expect(result).toMatchObject({ mode: "text", degraded: true, reason: "embedding_timeout" });
      expect(result.hits[0]?.title).toBe("Opening hours");
      expect(result.hits[0]).toMatchObject({ vectorRank: null, textRank: 1 });
      // Bounded by the budget, not by the SDK's 60 s timeout and five retries (the agent's
      // tool gives up at 8 s); generous for a loaded machine.
      expect(ms).toBeLessThan(5_000);
      expect(openai.requests.length - before).toBe(1);
    } finally {
      openai.up();
    }
  });

  it("a provider that refuses (503): full text answers at once, with one request and no retry", async () => {
    openai.down(503);
    try {
      const before = openai.requests.length;
      const result = await searchFor(openai.url).answer({ businessId, query: "Is there parking?" });
      expect(result).toMatchObject({ mode: "text", degraded: true, reason: "embedding_failed" });
      expect(result.hits[0]?.title).toBe("Parking");
      expect(openai.requests.slice(before).map((r) => r.status)).toEqual([503]);
    } finally {
      openai.up();
    }
  });

  it("a provider whose port refuses connections: full text answers", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const result = await searchFor(`http://127.0.0.1:${closedPort}/v1`).answer({ businessId, query: "Is there parking?" });
    expect(result).toMatchObject({ mode: "text", degraded: true, reason: "embedding_failed" });
    expect(result.hits[0]?.title).toBe("Parking");
  });

  it("the plain search gives the same hits, without the trace", async () => {
    openai.down(500);
    try {
      const hits = await searchFor(openai.url).search({ businessId, query: "Is there parking?" });
      expect(hits[0]).toEqual({ contentId: expect.any(String), chunkId: expect.any(String), title: "Parking", text: expect.any(String), category: null, score: expect.any(Number) });
    } finally {
      openai.up();
    }
  });
});
