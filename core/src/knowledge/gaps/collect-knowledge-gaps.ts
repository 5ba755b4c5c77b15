// Adds a finished call's unanswered questions to its business's knowledge gaps: each joins
// the gap asking the same thing (or starts one), is linked to the call once, and counts once
// per call. Idempotent per call, so a retried post-call job counts nothing twice. A dismissed
// gap still counts its new questions but stays dismissed.
import type { TenantDb } from "../../db/tenant.ts";
import { gapSignals } from "./gap-signals.ts";
import { matchingGap, questionTerms } from "./question-terms.ts";

/** Gaps compared with each new question: the business's most recently asked. */
const CANDIDATES = 500;
const MAX_QUESTION_CHARS = 500;

export async function collectKnowledgeGaps(db: TenantDb, callId: string): Promise<{ questions: number }> {
  const call = await db.callLog.findFirst({ where: { id: callId }, select: { id: true, startedAt: true, answeredAt: true } });
  if (!call) return { questions: 0 };
  const segments = await db.transcriptSegment.findMany({
    where: { callId },
    orderBy: { sequence: "asc" },
    select: { role: true, text: true, startMs: true, tool: true },
  });
  const signals = gapSignals(segments);
  if (signals.length === 0) return { questions: 0 };
  const answeredAt = (call.answeredAt ?? call.startedAt).getTime();

  const candidates = await db.knowledgeGap.findMany({
    orderBy: { lastAskedAt: "desc" },
    take: CANDIDATES,
    select: { id: true, question: true, terms: true },
  });
  let questions = 0;
  for (const signal of signals) {
    const question = signal.question.trim().slice(0, MAX_QUESTION_CHARS);
    const terms = questionTerms(question);
    if (!question) continue;
    const askedAt = new Date(answeredAt + signal.atMs);
    await db.$transaction(async (tx) => {
      let gap = matchingGap(question, terms, candidates);
      if (!gap) {
        const created = await tx.knowledgeGap.create({
          data: { businessId: db.businessId, question, terms, firstAskedAt: askedAt, lastAskedAt: askedAt },
          select: { id: true, question: true, terms: true },
        });
        candidates.unshift(created);
        gap = created;
      }
      const linked = await tx.knowledgeGapCall.createMany({
        data: [{ businessId: db.businessId, gapId: gap.id, callId, question, reason: signal.reason, askedAt }],
        skipDuplicates: true,
      });
      if (linked.count === 0) return;
      questions++;
      const row = await tx.knowledgeGap.findFirstOrThrow({ where: { id: gap.id }, select: { firstAskedAt: true, lastAskedAt: true } });
      await tx.knowledgeGap.update({
        where: { id: gap.id },
        data: {
          count: { increment: 1 },
          lastAskedAt: askedAt > row.lastAskedAt ? askedAt : row.lastAskedAt,
          firstAskedAt: askedAt < row.firstAskedAt ? askedAt : row.firstAskedAt,
        },
      });
    });
  }
  return { questions };
}
