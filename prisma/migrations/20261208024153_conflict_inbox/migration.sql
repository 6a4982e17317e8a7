-- CreateEnum
CREATE TYPE "ConflictStatus" AS ENUM ('HELD', 'RESOLVED');

-- CreateEnum
CREATE TYPE "ConflictResolution" AS ENUM ('ZOHO', 'JIRA');

-- CreateTable
CREATE TABLE "SyncBaseline" (
    "id" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "zohoField" TEXT NOT NULL,
    "jiraField" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "syncedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SyncBaseline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncConflict" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "zohoField" TEXT NOT NULL,
    "jiraField" TEXT NOT NULL,
    "zohoValue" JSONB,
    "jiraValue" JSONB,
    "zohoChangedBy" TEXT,
    "zohoChangedAt" TIMESTAMPTZ(3),
    "jiraChangedBy" TEXT,
    "jiraChangedAt" TIMESTAMPTZ(3),
    "status" "ConflictStatus" NOT NULL DEFAULT 'HELD',
    "resolution" "ConflictResolution",
    "resolvedBy" TEXT,
    "resolvedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SyncConflict_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SyncBaseline_linkId_zohoField_jiraField_key" ON "SyncBaseline"("linkId", "zohoField", "jiraField");

-- CreateIndex
CREATE INDEX "SyncConflict_tenantId_status_idx" ON "SyncConflict"("tenantId", "status");

-- CreateIndex
CREATE INDEX "SyncConflict_sciId_status_idx" ON "SyncConflict"("sciId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SyncConflict_linkId_zohoField_jiraField_key" ON "SyncConflict"("linkId", "zohoField", "jiraField");

-- AddForeignKey
ALTER TABLE "SyncBaseline" ADD CONSTRAINT "SyncBaseline_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "RecordLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncConflict" ADD CONSTRAINT "SyncConflict_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "RecordLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;
