// Indexes one knowledge document: chunk it, embed the chunks, and swap its chunk rows (and
// vectors) for the new ones in one transaction, only if the document is still the version
// that was read. Chunk ids name the content, version and position, so a retried attempt
// writes the same ids (Pinecone upserts stay idempotent).
import type { Prisma } from "@prisma/client";
import { enqueueJob, type JobWriter } from "../jobs/job-queue.ts";
import { forBusiness } from "../db/tenant.ts";
import { chunkContent, type ChunkOptions } from "./chunking/chunk-content.ts";
import { toVectorLiteral } from "./stores/vector-store.ts";
import type { KnowledgeDeps } from "./knowledge-deps.ts";

export const PURGE_VECTORS_JOB = "knowledge.purge";

export type IndexOutcome =
  | { status: "indexed"; chunks: number }
  /** The document was deleted before it could be indexed. */
  | { status: "gone" }
  /** The document was edited meanwhile; the newer version's job indexes it. */
  | { status: "superseded" };

export function chunkId(contentId: string, version: number, position: number): string {
  return `chk_${contentId.replace(/^kn_/, "")}_${version}_${position}`;
}

export async function indexContent(
  deps: KnowledgeDeps & { chunking?: ChunkOptions },
  businessId: string,
  contentId: string,
): Promise<IndexOutcome> {
  const { db, embedder, store } = deps;
  const scoped = forBusiness(db, businessId);
  const content = await scoped.rAGContent.findFirst({ where: { id: contentId } });
  if (!content) return { status: "gone" };

  const chunks = chunkContent({ title: content.title, content: content.content }, deps.chunking);
  const vectors = await embedder.embedDocuments(chunks.map((c) => c.text));
  const ids = chunks.map((c) => chunkId(content.id, content.version, c.position));
  if (store.placement === "remote") {
    await store.upsert(
      businessId,
      chunks.map((c, i) => ({
        id: ids[i]!,
        contentId: content.id,
        values: vectors[i]!,
        category: content.category,
        isPublic: content.isPublic,
        model: embedder.id,
      })),
    );
  }

  const outcome = await db.$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ version: number }[]>`
      SELECT version FROM "RAGContent" WHERE id = ${content.id} AND "businessId" = ${businessId} FOR UPDATE`;
    if (!current) return { status: "gone" } as const;
    if (current.version !== content.version) return { status: "superseded" } as const;
    const replaced = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM "KnowledgeChunk" WHERE "contentId" = ${content.id} AND "businessId" = ${businessId} RETURNING id`;
    const inline = store.placement === "row";
    await tx.$executeRaw`
      INSERT INTO "KnowledgeChunk" (id, "businessId", "contentId", position, text, "tokenCount", "embeddingModel", embedding)
      SELECT u.id, ${businessId}, ${content.id}, u.position, u.text, u.tokens, ${embedder.id}, u.embedding::vector
      FROM unnest(${ids}::text[], ${chunks.map((c) => c.position)}::int[], ${chunks.map((c) => c.text)}::text[],
                  ${chunks.map((c) => c.tokenCount)}::int[], ${inline ? vectors.map(toVectorLiteral) : ids.map(() => null)}::text[])
           AS u(id, position, text, tokens, embedding)`;
    await tx.rAGContent.updateMany({
      where: { id: content.id, businessId },
      data: { status: "indexed", statusReason: null, indexedAt: new Date() },
    });
    // Vectors of the old chunks still sit in a remote store: delete them durably.
    const stale = replaced.map((r) => r.id).filter((id) => !ids.includes(id));
    if (!inline && stale.length > 0) await enqueuePurge(tx, businessId, stale);
    return { status: "indexed", chunks: chunks.length } as const;
  });

  // Our upsert lost a race with an edit or a delete: its vectors are orphans now.
  if (outcome.status !== "indexed" && store.placement === "remote") await enqueuePurge(db, businessId, ids);
  return outcome;
}

export async function enqueuePurge(db: JobWriter, businessId: string, ids: string[]): Promise<void> {
  await enqueueJob(db, { businessId, kind: PURGE_VECTORS_JOB, payload: { ids } as Prisma.InputJsonValue });
}
