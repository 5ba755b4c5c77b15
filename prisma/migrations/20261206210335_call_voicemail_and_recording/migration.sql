-- AlterEnum
ALTER TYPE "CallOutcome" ADD VALUE 'voicemail';

-- AlterTable
ALTER TABLE "CallLog" ADD COLUMN     "answeredBy" TEXT,
ADD COLUMN     "recordingDeletedAt" TIMESTAMP(3),
ADD COLUMN     "recordingDurationSec" INTEGER,
ADD COLUMN     "recordingSid" TEXT,
ADD COLUMN     "recordingStatus" TEXT,
ADD COLUMN     "voicemailMessage" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "CallLog_recordingSid_key" ON "CallLog"("recordingSid");
