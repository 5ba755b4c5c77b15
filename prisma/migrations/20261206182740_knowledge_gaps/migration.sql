-- CreateEnum
CREATE TYPE "KnowledgeGapStatus" AS ENUM ('open', 'dismissed', 'drafted');

-- AlterEnum
ALTER TYPE "IndexStatus" ADD VALUE 'draft';

-- CreateTable
CREATE TABLE "KnowledgeGap" (
    "id" TEXT NOT NULL DEFAULT fd_id('gap'::text),
    "businessId" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "terms" TEXT[],
    "count" INTEGER NOT NULL DEFAULT 0,
    "status" "KnowledgeGapStatus" NOT NULL DEFAULT 'open',
    "draftContentId" TEXT,
    "firstAskedAt" TIMESTAMP(3) NOT NULL,
    "lastAskedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KnowledgeGap_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KnowledgeGapCall" (
    "id" TEXT NOT NULL DEFAULT fd_id('gpc'::text),
    "businessId" TEXT NOT NULL,
    "gapId" TEXT NOT NULL,
    "callId" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "askedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KnowledgeGapCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KnowledgeGap_businessId_status_lastAskedAt_idx" ON "KnowledgeGap"("businessId", "status", "lastAskedAt");

-- CreateIndex
CREATE INDEX "KnowledgeGap_businessId_status_count_idx" ON "KnowledgeGap"("businessId", "status", "count");

-- CreateIndex
CREATE INDEX "KnowledgeGapCall_businessId_callId_idx" ON "KnowledgeGapCall"("businessId", "callId");

-- CreateIndex
CREATE UNIQUE INDEX "KnowledgeGapCall_gapId_callId_key" ON "KnowledgeGapCall"("gapId", "callId");

-- AddForeignKey
ALTER TABLE "KnowledgeGap" ADD CONSTRAINT "KnowledgeGap_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeGapCall" ADD CONSTRAINT "KnowledgeGapCall_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeGapCall" ADD CONSTRAINT "KnowledgeGapCall_gapId_fkey" FOREIGN KEY ("gapId") REFERENCES "KnowledgeGap"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeGapCall" ADD CONSTRAINT "KnowledgeGapCall_callId_fkey" FOREIGN KEY ("callId") REFERENCES "CallLog"("id") ON DELETE CASCADE ON UPDATE CASCADE;
