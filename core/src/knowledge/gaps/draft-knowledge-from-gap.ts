// Turns a knowledge gap into a knowledge document draft: titled with the question, holding the
// ways callers asked it, status `draft` (never indexed, so the agent never reads it) until the
// business writes the answer in (an edit queues its indexing like any other). Asked again, it
// returns the same draft while that draft exists.
import type { RAGContent } from "@prisma/client";
import { notFound } from "../../errors.ts";
import type { TenantDb } from "../../db/tenant.ts";
import { KNOWLEDGE_LIMITS } from "../knowledge-input.ts";

const WORDINGS = 10;

export async function draftKnowledgeFromGap(db: TenantDb, gapId: string): Promise<{ content: RAGContent; created: boolean }> {
  return db.$transaction(async (tx) => {
    const gap = await tx.knowledgeGap.findFirst({
      where: { id: gapId },
      include: { calls: { orderBy: { askedAt: "desc" }, take: 50, select: { question: true } } },
    });
    if (!gap) throw notFound("Knowledge gap");
    if (gap.draftContentId) {
      const existing = await tx.rAGContent.findFirst({ where: { id: gap.draftContentId } });
      if (existing) return { content: existing, created: false };
    }
    const wordings = [...new Set([gap.question, ...gap.calls.map((c) => c.question)])].slice(0, WORDINGS);
    const content = await tx.rAGContent.create({
      data: {
        businessId: tx.businessId,
        title: clip(gap.question, KNOWLEDGE_LIMITS.titleChars),
        content: clip(
          `Callers asked (${gap.count} time${gap.count === 1 ? "" : "s"}):\n${wordings.map((w) => `- ${w}`).join("\n")}\n\nWrite the answer here.`,
          KNOWLEDGE_LIMITS.contentChars,
        ),
        status: "draft",
        statusReason: "drafted from a knowledge gap; edit it to publish",
        source: "gap",
      },
    });
    await tx.knowledgeGap.update({ where: { id: gap.id }, data: { status: "drafted", draftContentId: content.id } });
    return { content, created: true };
  });
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
