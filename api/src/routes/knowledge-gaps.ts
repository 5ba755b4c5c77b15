// Knowledge gaps: the questions the agent could not answer, grouped and counted; a gap can be
// turned into a document draft or dismissed. The verbs live in core/src/knowledge/gaps/.
import type { KnowledgeGap } from "@prisma/client";
import { listKnowledgeGaps, type GapWithCalls } from "@frontdesk/core/knowledge/gaps/list-knowledge-gaps";
import { dismissKnowledgeGap } from "@frontdesk/core/knowledge/gaps/dismiss-knowledge-gap";
import { draftKnowledgeFromGap } from "@frontdesk/core/knowledge/gaps/draft-knowledge-from-gap";
import type { components } from "../generated/openapi.ts";
import { tenantOperation } from "../http/operation.ts";
import { DEFAULT_PAGE_SIZE } from "../http/pagination.ts";
import { assertRoomFor } from "./knowledge.ts";
import { iso, presentKnowledge } from "./present.ts";

type S = components["schemas"];

function presentGap(g: KnowledgeGap & { calls?: GapWithCalls["calls"] }): S["KnowledgeGap"] {
  return {
    id: g.id,
    question: g.question,
    count: g.count,
    status: g.status,
    draftContentId: g.draftContentId,
    firstAskedAt: iso(g.firstAskedAt),
    lastAskedAt: iso(g.lastAskedAt),
    calls: (g.calls ?? []).map((c) => ({ callId: c.callId, question: c.question, reason: c.reason as "no_hit", askedAt: iso(c.askedAt) })),
  };
}

export const knowledgeGapOperations = [
  tenantOperation("listKnowledgeGaps", async ({ tenant, query }) => {
    const page = await listKnowledgeGaps(tenant.db, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
      ...(query.sort ? { sort: query.sort } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    return { status: 200, body: { object: "list" as const, data: page.data.map(presentGap), has_more: page.hasMore } };
  }),

  tenantOperation("draftKnowledgeFromGap", async ({ tenant, params }) => {
    await assertRoomFor(tenant, 1);
    const { content, created } = await draftKnowledgeFromGap(tenant.db, params.gapId);
    return { status: created ? (201 as const) : (200 as const), body: presentKnowledge(content) };
  }),

  tenantOperation("dismissKnowledgeGap", async ({ tenant, params }) => {
    const gap = await dismissKnowledgeGap(tenant.db, params.gapId);
    const calls = await tenant.db.knowledgeGapCall.findMany({ where: { gapId: gap.id }, orderBy: [{ askedAt: "desc" }, { id: "desc" }], take: 10 });
    return { status: 200, body: presentGap({ ...gap, calls }) };
  }),
];
