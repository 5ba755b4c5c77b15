-- AlterTable
ALTER TABLE "TranscriptSegment" ADD COLUMN     "tool" JSONB;
