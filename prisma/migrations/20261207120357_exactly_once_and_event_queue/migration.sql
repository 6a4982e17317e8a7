-- CreateEnum
CREATE TYPE "WriteIntentKind" AS ENUM ('JIRA_ISSUE', 'JIRA_COMMENT', 'JIRA_ATTACHMENT', 'ZOHO_NOTE', 'ZOHO_ATTACHMENT');

-- CreateEnum
CREATE TYPE "QueuedEventState" AS ENUM ('QUEUED', 'PARKED');

-- AlterTable
ALTER TABLE "RecordLink" ADD COLUMN     "attachmentsCheckedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "SmartConnectedItem" ADD COLUMN     "syncLeaseOwner" TEXT,
ADD COLUMN     "syncLeaseUntil" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "WriteIntent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "kind" "WriteIntentKind" NOT NULL,
    "sourceId" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "marker" TEXT NOT NULL,
    "createdId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WriteIntent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SciQueuedEvent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "state" "QueuedEventState" NOT NULL DEFAULT 'QUEUED',
    "reason" TEXT,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SciQueuedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WriteIntent_tenantId_idx" ON "WriteIntent"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "WriteIntent_sciId_kind_sourceId_key" ON "WriteIntent"("sciId", "kind", "sourceId");

-- CreateIndex
CREATE INDEX "SciQueuedEvent_sciId_state_createdAt_idx" ON "SciQueuedEvent"("sciId", "state", "createdAt");

-- CreateIndex
CREATE INDEX "SciQueuedEvent_tenantId_idx" ON "SciQueuedEvent"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "SciQueuedEvent_sciId_key_key" ON "SciQueuedEvent"("sciId", "key");

-- CreateIndex
CREATE INDEX "RecordLink_sciId_attachmentsCheckedAt_idx" ON "RecordLink"("sciId", "attachmentsCheckedAt");

-- AddForeignKey
ALTER TABLE "WriteIntent" ADD CONSTRAINT "WriteIntent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WriteIntent" ADD CONSTRAINT "WriteIntent_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SciQueuedEvent" ADD CONSTRAINT "SciQueuedEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SciQueuedEvent" ADD CONSTRAINT "SciQueuedEvent_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;
