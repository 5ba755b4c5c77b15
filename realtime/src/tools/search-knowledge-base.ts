// search_knowledge_base(query): the agent looks facts up in the business's knowledge base.
import { z } from "zod";
import { traceOf } from "@frontdesk/core/knowledge/search-trace";
import { defineTool, toolOutcome } from "./tool.ts";

const MAX_HIT_CHARS = 1200;

export const searchKnowledgeBase = defineTool({
  name: "search_knowledge_base",
  description:
    "Search this business's knowledge base (services, prices, opening hours, location, policies, FAQs). " +
    "Call it before answering any question about the business; answer only from what it returns.",
  schema: z.object({
    query: z.string().trim().min(1).max(500).describe("What the caller wants to know, as a short search phrase."),
  }),
  async handler({ query }, ctx) {
    const answer = await ctx.knowledge.answer({ businessId: ctx.businessId, query, limit: 3 });
    const knowledge = traceOf(query, answer);
    const hits = answer.hits;
    if (hits.length === 0) {
      return toolOutcome({
        output: { found: false, message: "Nothing in the knowledge base matches. Say you are not sure; do not guess." },
        summary: "nothing found",
        knowledge,
      });
    }
    return toolOutcome({
      output: {
        found: true,
        results: hits.map((h) => ({ title: h.title, text: h.text.length > MAX_HIT_CHARS ? h.text.slice(0, MAX_HIT_CHARS) + "…" : h.text })),
      },
      summary: `${hits.length} found: ${[...new Set(hits.map((h) => h.title))].join("; ")}`,
      knowledge,
    });
  },
});
