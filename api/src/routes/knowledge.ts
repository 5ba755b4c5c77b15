// Knowledge documents: list, read, write, bulk import, search and indexing status. Writes go
// through the knowledge engine, which saves the document and queues its indexing.
import { planLimits } from "@frontdesk/core/billing/plans";
import { parseKnowledgeImport } from "@frontdesk/core/knowledge/knowledge-service";
import { tenantOperation } from "../http/operation.ts";
import { ApiError } from "../http/api-error.ts";
import { pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { isoOrNull, presentKnowledge } from "./present.ts";

const contentNotFound = () => new ApiError("not_found", "not_found", { userMessage: "Knowledge document not found." });

export async function assertRoomFor(tenant: Tenant, adding: number) {
  const allowed = planLimits(tenant.business.plan).knowledgeDocuments;
  const count = await tenant.db.rAGContent.count();
  if (count + adding > allowed) {
    throw new ApiError("plan_limit", "knowledge_limit_reached", {
      userMessage: `The ${tenant.business.plan} plan holds ${allowed} knowledge documents; this business has ${count}.`,
    });
  }
}

export const knowledgeOperations = [
  tenantOperation("listKnowledge", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.rAGContent.findMany({
      where: {
        ...page.cursorWhere,
        ...(query.category ? { category: query.category } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      orderBy: page.orderBy,
      take: page.take,
    });
    return { status: 200, body: toPage(rows, query, presentKnowledge) };
  }),

  tenantOperation("createKnowledge", async ({ tenant, body }) => {
    await assertRoomFor(tenant, 1);
    const row = await tenant.knowledge.createContent(body);
    return { status: 201, body: presentKnowledge(row) };
  }),

  tenantOperation("getKnowledge", async ({ tenant, params }) => {
    const row = await tenant.db.rAGContent.findFirst({ where: { id: params.contentId } });
    if (!row) throw contentNotFound();
    return { status: 200, body: presentKnowledge(row) };
  }),

  tenantOperation("updateKnowledge", async ({ tenant, params, body }) => {
    const row = await tenant.knowledge.updateContent(params.contentId, body);
    return { status: 200, body: presentKnowledge(row) };
  }),

  tenantOperation("deleteKnowledge", async ({ tenant, params }) => {
    await tenant.knowledge.deleteContent(params.contentId);
    return { status: 204, body: undefined };
  }),

  tenantOperation("importKnowledge", async ({ tenant, body }) => {
    const docs = parseKnowledgeImport(body.format, body.data);
    await assertRoomFor(tenant, docs.length);
    const { imported, contents } = await tenant.knowledge.importContents(docs);
    return { status: 201, body: { imported, data: contents.map(presentKnowledge) } };
  }),

  tenantOperation("searchKnowledge", async ({ tenant, query }) => {
    const answer = await tenant.knowledge.answer({
      query: query.q,
      limit: query.limit ?? 5,
      ...(query.category ? { category: query.category } : {}),
    });
    const data = answer.hits.map(({ contentId, chunkId, title, text, category, score }) => ({ contentId, chunkId, title, text, category, score }));
    return { status: 200, body: { data, mode: answer.mode, degraded: answer.degraded } };
  }),

  tenantOperation("listKnowledgeCategories", async ({ tenant }) => {
    const groups = await tenant.db.rAGContent.groupBy({ by: ["category", "status"], _count: { _all: true } });
    const byCategory = new Map<string | null, { category: string | null; count: number; indexed: number }>();
    for (const g of groups) {
      const entry = byCategory.get(g.category) ?? { category: g.category, count: 0, indexed: 0 };
      entry.count += g._count._all;
      if (g.status === "indexed") entry.indexed += g._count._all;
      byCategory.set(g.category, entry);
    }
    // Named categories by name, the uncategorised last.
    const data = [...byCategory.values()].sort((a, b) => (a.category === null ? 1 : b.category === null ? -1 : a.category.localeCompare(b.category)));
    return { status: 200, body: { object: "list" as const, data, has_more: false as const } };
  }),

  tenantOperation("getKnowledgeStatus", async ({ tenant }) => {
    const groups = await tenant.db.rAGContent.groupBy({ by: ["status"], _count: { _all: true }, _max: { indexedAt: true } });
    const count = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
    const last = groups.map((g) => g._max.indexedAt).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
    return {
      status: 200,
      body: {
        total: groups.reduce((n, g) => n + g._count._all, 0),
        pending: count("pending"),
        indexed: count("indexed"),
        failed: count("failed"),
        lastIndexedAt: isoOrNull(last),
      },
    };
  }),
];
