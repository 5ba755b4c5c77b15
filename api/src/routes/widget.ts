// What the embeddable widgets read with a publishable key: the public profile, public
// knowledge (searchable), and recent calls stripped of numbers and words — unless the page
// also holds a widget token its business's backend minted for this widget key.
import type { Request } from "express";
import { isOpen, type WeeklyHours } from "@frontdesk/core/business/hours";
import { MAX_LIMIT as MAX_SEARCH_HITS } from "@frontdesk/core/knowledge/knowledge-search";
import { verifyWidgetToken } from "@frontdesk/core/auth/widget-token";
import { maskCallerNumber } from "@frontdesk/core/calls/mask-caller-number";
import { tenantOperation } from "../http/operation.ts";
import { invalid, unauthenticated } from "../http/api-error.ts";
import type { Tenant } from "../http/context.ts";
import type { TenantServices } from "../services.ts";
import type { components } from "../generated/openapi.ts";
import { iso } from "./present.ts";

const WIDGET_TOKEN_HEADER = "frontdesk-widget-token";

/** Whether the request carries a valid token for its business and widget key; throws on a bad one. */
function holdsWidgetToken(req: Request, tenant: Tenant, services: TenantServices): boolean {
  const token = req.headers[WIDGET_TOKEN_HEADER];
  if (token === undefined) return false;
  const principal = req.fd!.principal;
  const widgetKeyId = principal.kind === "publishableKey" ? principal.widgetKey.id : "";
  const check = verifyWidgetToken(services.config.appSecret, token, { businessId: tenant.business.id, widgetKeyId }, services.now().getTime());
  if (!check.ok) {
    throw unauthenticated("invalid_widget_token", check.reason === "expired" ? "The widget token has expired; mint a new one." : "The widget token is not valid for this widget key.");
  }
  return true;
}

export const widgetOperations = [
  tenantOperation("getWidgetBusiness", async ({ tenant, services }) => {
    const b = await tenant.db.business.findUniqueOrThrow({ where: { id: tenant.business.id } });
    const phone = await tenant.db.phoneNumber.findFirst({ where: { isActive: true }, orderBy: { createdAt: "asc" }, select: { e164: true } });
    return {
      status: 200,
      body: {
        name: b.name,
        description: b.description,
        website: b.website,
        phoneNumber: phone?.e164 ?? null,
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
      // Several passages of one document may match; show the document once, best first, with
      // its best passage.
      const best = new Map<string, string>();
      for (const h of hits) if (!best.has(h.contentId)) best.set(h.contentId, h.text);
      const ids = [...best.keys()];
      const docs = await tenant.db.rAGContent.findMany({ where: { id: { in: ids }, isPublic: true } });
      const byId = new Map(docs.map((d) => [d.id, d]));
      const data = ids.flatMap((id) => {
        const d = byId.get(id);
        return d ? [{ id: d.id, title: d.title, content: d.content, category: d.category, passage: best.get(id)! }] : [];
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

  tenantOperation("listWidgetCalls", async ({ req, tenant, services, query }) => {
    const trusted = holdsWidgetToken(req, tenant, services);
    const limit = query.limit ?? 10;
    const rows = await tenant.read.callsPage({ outcome: query.outcome, direction: query.direction, startingAfter: query.starting_after, limit: limit + 1 });
    if (!rows) throw invalid("`starting_after` names no call of this business.", [{ path: "query.starting_after", message: "unknown call" }]);
    const data = rows.slice(0, limit).map((c) => ({
      id: c.id,
      startedAt: iso(c.startedAt),
      durationSec: c.durationSec,
      status: c.status,
      outcome: c.outcome,
      sentiment: c.sentiment,
      // Topics come from callers' own words: only with the business's token, like summaries.
      ...(trusted ? { callerNumber: maskCallerNumber(c.fromNumber), summary: c.summary, topics: c.topics } : {}),
    }));
    return { status: 200, body: { object: "list" as const, data, has_more: rows.length > limit } };
  }),
];
