// Knowledge documents for the REST API and the dashboard: create, update, delete and bulk
// import (all tenant-scoped), search, and reindex. A write saves the document first, status
// `pending`, and queues its durable index job in the same transaction, so nothing is lost
// when the embedding provider or the vector store is down: the job retries until it lands.
import type { RAGContent } from "@prisma/client";
import { notFound } from "../errors.ts";
import { enqueueJob } from "../jobs/job-queue.ts";
import { forBusiness } from "../db/tenant.ts";
import { resolveKnowledgeDeps, type KnowledgeDepsInput } from "./knowledge-deps.ts";
import { enqueuePurge } from "./index-content.ts";
import { enqueueIndexJobs, INDEX_CONTENT_JOB, indexJobKey } from "./knowledge-jobs.ts";
import { createKnowledgeSearch, type KnowledgeAnswer, type KnowledgeHit, type KnowledgeQuery, type KnowledgeSearch } from "./knowledge-search.ts";
import {
  KNOWLEDGE_LIMITS,
  KnowledgeDocSchema,
  KnowledgePatchSchema,
  parseOrThrow,
  validationError,
  type KnowledgeDocInput,
} from "./knowledge-input.ts";

export { parseKnowledgeImport, IMPORT_FORMATS, type ImportFormat } from "./knowledge-import.ts";
export { knowledgeJobHandlers, drainKnowledgeJobs, INDEX_CONTENT_JOB, PURGE_VECTORS_JOB, GRAPH_MERGE_JOB } from "./knowledge-jobs.ts";
export type { KnowledgeDocInput } from "./knowledge-input.ts";

export type ReindexTarget = { businessId: string } | { all: true };

export interface KnowledgeService {
  createContent(businessId: string, input: KnowledgeDocInput): Promise<RAGContent>;
  /** Any of title, content, category (null clears it), isPublic. */
  updateContent(businessId: string, id: string, patch: Partial<KnowledgeDocInput>): Promise<RAGContent>;
  deleteContent(businessId: string, id: string): Promise<void>;
  importContents(businessId: string, docs: KnowledgeDocInput[]): Promise<{ imported: number; contents: RAGContent[] }>;
  search(q: KnowledgeQuery): Promise<KnowledgeHit[]>;
  /** The search with each hit's ranks and whether it answered from full text alone. */
  answer(q: KnowledgeQuery): Promise<KnowledgeAnswer>;
  /** Queues every document of one business (or of all) for indexing again. */
  reindex(target: ReindexTarget): Promise<{ businesses: number; contents: number }>;
}

export interface KnowledgeServiceOptions {
  /** Called after jobs are queued, e.g. a local worker's kick(), so indexing starts now. */
  onJobsQueued?: () => void;
  /** A search to share (else one is built from the same deps). */
  search?: KnowledgeSearch;
}

export function createKnowledgeService(input: KnowledgeDepsInput & KnowledgeServiceOptions): KnowledgeService {
  const deps = resolveKnowledgeDeps(input);
  const { db, store } = deps;
  const search = input.search ?? createKnowledgeSearch({ ...input, embedder: deps.embedder, store });
  const queued = () => input.onJobsQueued?.();

  return {
    async createContent(businessId, doc) {
      const data = parseOrThrow(KnowledgeDocSchema, doc);
      const content = await forBusiness(db, businessId).$transaction(async (tx) => {
        const row = await tx.rAGContent.create({
          data: { businessId, title: data.title, content: data.content, category: data.category ?? null, isPublic: data.isPublic ?? false },
        });
        await enqueueJob(tx, { businessId, kind: INDEX_CONTENT_JOB, payload: { contentId: row.id }, dedupeKey: indexJobKey(row.id) });
        return row;
      });
      queued();
      return content;
    },

    async updateContent(businessId, id, patch) {
      const data = parseOrThrow(KnowledgePatchSchema, patch);
      const content = await forBusiness(db, businessId).$transaction(async (tx) => {
        const found = await tx.rAGContent.findFirst({ where: { id }, select: { id: true } });
        if (!found) throw notFound("Knowledge content");
        const row = await tx.rAGContent.update({
          where: { id },
          data: { ...data, version: { increment: 1 }, status: "pending", statusReason: null },
        });
        // Re-arms the document's job even if it is running: the run in flight sees the new
        // version at commit and leaves the chunks to this one.
        await enqueueJob(tx, { businessId, kind: INDEX_CONTENT_JOB, payload: { contentId: id }, dedupeKey: indexJobKey(id) });
        return row;
      });
      queued();
      return content;
    },

    async deleteContent(businessId, id) {
      await forBusiness(db, businessId).$transaction(async (tx) => {
        const found = await tx.rAGContent.findFirst({ where: { id }, select: { id: true } });
        if (!found) throw notFound("Knowledge content");
        const chunks = store.placement === "remote" ? await tx.knowledgeChunk.findMany({ where: { contentId: id }, select: { id: true } }) : [];
        // Chunk rows go with the document (ON DELETE CASCADE); remote vectors by a durable job.
        await tx.rAGContent.delete({ where: { id } });
        await tx.job.deleteMany({ where: { dedupeKey: indexJobKey(id), status: { in: ["queued", "failed"] } } });
        if (chunks.length) await enqueuePurge(tx, businessId, chunks.map((c) => c.id));
      });
      queued();
    },

    async importContents(businessId, docs) {
      if (!Array.isArray(docs)) throw validationError([{ path: "documents", message: "must be an array" }]);
      if (docs.length > KNOWLEDGE_LIMITS.documentsPerImport) {
        throw validationError([{ path: "documents", message: `at most ${KNOWLEDGE_LIMITS.documentsPerImport} per import` }]);
      }
      const rows = docs.map((doc, i) => parseOrThrow(KnowledgeDocSchema, doc, `documents[${i}]`));
      if (rows.length === 0) return { imported: 0, contents: [] };
      const contents = await forBusiness(db, businessId).$transaction(async (tx) => {
        const created = await tx.rAGContent.createManyAndReturn({
          data: rows.map((r) => ({ businessId, title: r.title, content: r.content, category: r.category ?? null, isPublic: r.isPublic ?? false, source: "import" })),
        });
        await enqueueIndexJobs(tx, businessId, created.map((c) => c.id));
        return created;
        // 500 documents of up to 100 KB each are a large write: Prisma's default 5 s for an
        // interactive transaction expired on a busy machine (bench:rag at load 13).
      }, { timeout: 60_000, maxWait: 10_000 });
      queued();
      return { imported: contents.length, contents };
    },

    search: (q) => search.search(q),
    answer: (q) => search.answer(q),

    async reindex(target) {
      let businessIds: string[];
      if ("all" in target) {
        const rows = await db.$queryRaw<{ businessId: string }[]>`SELECT DISTINCT "businessId" FROM "RAGContent"`;
        businessIds = rows.map((r) => r.businessId);
      } else {
        if (!(await db.business.findUnique({ where: { id: target.businessId }, select: { id: true } }))) throw notFound("Business");
        businessIds = [target.businessId];
      }
      let contents = 0;
      for (const businessId of businessIds) {
        // Drafts wait for their answer: reindexing must not publish them.
        const ids = (await forBusiness(db, businessId).rAGContent.findMany({ where: { status: { not: "draft" } }, select: { id: true } })).map((r) => r.id);
        for (let i = 0; i < ids.length; i += 5000) {
          const batch = ids.slice(i, i + 5000);
          await forBusiness(db, businessId).$transaction(async (tx) => {
            await tx.rAGContent.updateMany({ where: { id: { in: batch } }, data: { status: "pending", statusReason: "reindex requested" } });
            await enqueueIndexJobs(tx, businessId, batch);
          });
        }
        contents += ids.length;
      }
      if (contents) queued();
      return { businesses: businessIds.length, contents };
    },
  };
}
