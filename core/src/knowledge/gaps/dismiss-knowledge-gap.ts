// A business says a gap needs no answer: it leaves the open list for good (new askings of the
// same question still count on it, but never reopen it).
import type { KnowledgeGap } from "@prisma/client";
import { notFound } from "../../errors.ts";
import type { TenantDb } from "../../db/tenant.ts";

export async function dismissKnowledgeGap(db: TenantDb, gapId: string): Promise<KnowledgeGap> {
  const found = await db.knowledgeGap.findFirst({ where: { id: gapId }, select: { id: true } });
  if (!found) throw notFound("Knowledge gap");
  return db.knowledgeGap.update({ where: { id: gapId }, data: { status: "dismissed" } });
}
