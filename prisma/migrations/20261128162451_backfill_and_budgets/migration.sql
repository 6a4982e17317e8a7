-- CreateEnum
CREATE TYPE "BackfillMode" AS ENUM ('IMPORT', 'MATCH');

-- CreateEnum
CREATE TYPE "BackfillState" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- AlterTable
ALTER TABLE "ApiBudgetCounter" ADD COLUMN     "peakConcurrency" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reportedAt" TIMESTAMPTZ(3),
ADD COLUMN     "reportedRemaining" INTEGER;

-- CreateTable
CREATE TABLE "BackfillRun" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "mode" "BackfillMode" NOT NULL,
    "state" "BackfillState" NOT NULL DEFAULT 'RUNNING',
    "workflowId" TEXT NOT NULL,
    "total" INTEGER,
    "done" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "linked" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "checkpoint" JSONB,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "lastError" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BackfillRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BackfillRun_tenantId_idx" ON "BackfillRun"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "BackfillRun_sciId_key" ON "BackfillRun"("sciId");

-- AddForeignKey
ALTER TABLE "BackfillRun" ADD CONSTRAINT "BackfillRun_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackfillRun" ADD CONSTRAINT "BackfillRun_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;
