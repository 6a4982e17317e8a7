-- DropIndex
DROP INDEX "RecordLink_sciId_jiraIssueId_key";

-- DropIndex
DROP INDEX "RecordLink_sciId_zohoRecordId_key";

-- AlterTable
ALTER TABLE "RecordLink" ADD COLUMN     "primary" BOOLEAN NOT NULL DEFAULT true;

-- CreateIndex
CREATE INDEX "RecordLink_sciId_zohoRecordId_idx" ON "RecordLink"("sciId", "zohoRecordId");

-- CreateIndex
CREATE INDEX "RecordLink_sciId_jiraIssueId_idx" ON "RecordLink"("sciId", "jiraIssueId");

-- CreateIndex
CREATE UNIQUE INDEX "RecordLink_sciId_jiraIssueId_zohoRecordId_key" ON "RecordLink"("sciId", "jiraIssueId", "zohoRecordId");

-- F43, written by hand (Prisma cannot express a partial unique index): at most one primary link per
-- (SCI, issue). Existing rows became primary through the column default above, and the old unique keys
-- guaranteed one link per (SCI, issue), so no existing row violates it.
CREATE UNIQUE INDEX "RecordLink_primary_per_issue" ON "RecordLink"("sciId", "jiraIssueId") WHERE "primary";
