// Shared set-up for the knowledge tests: engine deps on the run's database, a worker that
// only touches the given businesses' jobs (other test files share the Job table), and the
// stand-ins for OpenAI and Pinecone.
import type { Db } from "@frontdesk/core/db/client";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { resolveKnowledgeDeps, type KnowledgeDeps, type KnowledgeDepsInput } from "@frontdesk/core/knowledge/knowledge-deps";
import { drainKnowledgeJobs } from "@frontdesk/core/knowledge/knowledge-service";
import type { GraphMergeOptions } from "@frontdesk/core/knowledge/graph-merge";
import { testLogger } from "../support/services.ts";

export function knowledgeDeps(input: KnowledgeDepsInput): KnowledgeDeps & { logger: NonNullable<KnowledgeDeps["logger"]> } {
  return { ...resolveKnowledgeDeps(input), logger: input.logger ?? testLogger("knowledge") };
}

/** Runs every due knowledge job of these businesses; returns how many ran. */
export function runKnowledgeJobs(deps: KnowledgeDeps & { graphMerge?: GraphMergeOptions }, ...businessIds: string[]): Promise<number> {
  return drainKnowledgeJobs({ ...deps, logger: deps.logger ?? testLogger("knowledge") }, { businessIds });
}

/** Makes a business's queued jobs due now instead of after their backoff. */
export async function makeJobsDue(db: Db, businessId: string): Promise<void> {
  await db.job.updateMany({ where: { businessId, status: "queued" }, data: { runAt: new Date(0) } });
}

export async function contentStatus(db: Db, businessId: string, id: string) {
  return forBusiness(db, businessId).rAGContent.findFirstOrThrow({ where: { id }, select: { status: true, statusReason: true, version: true } });
}

export async function chunkTexts(db: Db, businessId: string, contentId: string): Promise<string[]> {
  const rows = await forBusiness(db, businessId).knowledgeChunk.findMany({ where: { contentId }, orderBy: { position: "asc" }, select: { text: true } });
  return rows.map((r) => r.text);
}
