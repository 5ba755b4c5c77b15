-- AlterTable
ALTER TABLE "CallLog" ADD COLUMN     "instructions" TEXT,
ADD COLUMN     "purpose" TEXT,
ADD COLUMN     "variables" JSONB;
