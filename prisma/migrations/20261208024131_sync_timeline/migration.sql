-- CreateTable
CREATE TABLE "SyncTimelineEntry" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "jiraIssueId" TEXT NOT NULL,
    "syncRunId" TEXT,
    "direction" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '[]',
    "items" JSONB NOT NULL DEFAULT '[]',
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncTimelineEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SyncTimelineEntry_tenantId_jiraIssueId_createdAt_idx" ON "SyncTimelineEntry"("tenantId", "jiraIssueId", "createdAt");

-- CreateIndex
CREATE INDEX "SyncTimelineEntry_linkId_createdAt_idx" ON "SyncTimelineEntry"("linkId", "createdAt");

-- CreateIndex
CREATE INDEX "SyncTimelineEntry_createdAt_idx" ON "SyncTimelineEntry"("createdAt");

-- AddForeignKey
ALTER TABLE "SyncTimelineEntry" ADD CONSTRAINT "SyncTimelineEntry_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "RecordLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;
