// What the embeddable widgets read with a publishable key: the public profile, public
// knowledge (searchable), and recent calls stripped of numbers and words.
import { isOpen, type WeeklyHours } from "@frontdesk/core/business/hours";
import { MAX_LIMIT as MAX_SEARCH_HITS } from "@frontdesk/core/knowledge/knowledge-search";
import { tenantOperation } from "../http/operation.ts";
import type { components } from "../generated/openapi.ts";
import { iso } from "./present.ts";

export const widgetOperations = [
  tenantOperation("getWidgetBusiness", async ({ tenant, services }) => {
    const b = await tenant.db.business.findUniqueOrThrow({ where: { id: tenant.business.id } });
    return {
      status: 200,
      body: {
        name: b.name,
        description: b.description,
        website: b.website,
        timezone: b.timezone,
        hours: b.hours as components["schemas"]["WeeklyHours"],
        isOpen: isOpen(b.hours as WeeklyHours, b.timezone, services.now()),
      },
    };
  }),

  tenantOperation("listWidgetKnowledge", async ({ tenant, query }) => {
    const limit = query.limit ?? 50;
    if (query.q) {
      const hits = await tenant.knowledge.search({
        query: query.q,
        // The contract allows up to 100 documents in a listing; a search answers its best 50.
        limit: Math.min(limit, MAX_SEARCH_HITS),
        publicOnly: true,
        ...(query.category ? { category: query.category } : {}),
      });
      // Several passages of one document may match; show the document once, best first.
      const ids = [...new Set(hits.map((h) => h.contentId))];
      const docs = await tenant.db.rAGContent.findMany({ where: { id: { in: ids }, isPublic: true } });
      const byId = new Map(docs.map((d) => [d.id, d]));
      const data = ids.flatMap((id) => {
        const d = byId.get(id);
        return d ? [{ id: d.id, title: d.title, content: d.content, category: d.category }] : [];
      });
      return { status: 200, body: { data } };
    }
    const docs = await tenant.db.rAGContent.findMany({
      where: { isPublic: true, ...(query.category ? { category: query.category } : {}) },
      orderBy: [{ category: "asc" }, { title: "asc" }],
      take: limit,
    });
    return { status: 200, body: { data: docs.map((d) => ({ id: d.id, title: d.title, content: d.content, category: d.category })) } };
  }),

  tenantOperation("listWidgetCalls", async ({ tenant, query }) => {
    const calls = await tenant.db.callLog.findMany({
      where: { ...(query.outcome ? { outcome: query.outcome } : {}), ...(query.direction ? { direction: query.direction } : {}) },
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      take: query.limit ?? 10,
      select: { id: true, startedAt: true, durationSec: true, status: true, outcome: true, sentiment: true, topics: true },
    });
    return { status: 200, body: { data: calls.map((c) => ({ ...c, startedAt: iso(c.startedAt) })) } };
  }),
];
