-- DropIndex
DROP INDEX "Tenant_cloudId_key";

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "environmentId" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "environmentType" TEXT NOT NULL DEFAULT 'PRODUCTION';

-- CreateTable
CREATE TABLE "ZohoSignIn" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "jiraAccountId" TEXT NOT NULL,
    "codeVerifierCiphertext" BYTEA,
    "codeVerifierKeyId" TEXT,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "consumedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ZohoSignIn_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ZohoSignIn_tenantId_idx" ON "ZohoSignIn"("tenantId");

-- CreateIndex
CREATE INDEX "ZohoSignIn_expiresAt_idx" ON "ZohoSignIn"("expiresAt");

-- CreateIndex
CREATE INDEX "SyncRun_startedAt_idx" ON "SyncRun"("startedAt");

-- CreateIndex
CREATE INDEX "Tenant_cloudId_environmentId_idx" ON "Tenant"("cloudId", "environmentId");

-- CreateIndex
CREATE INDEX "Tenant_status_uninstalledAt_idx" ON "Tenant"("status", "uninstalledAt");

-- CreateIndex
CREATE INDEX "ZohoNotificationChannel_channelId_idx" ON "ZohoNotificationChannel"("channelId");

-- AddForeignKey
ALTER TABLE "ZohoSignIn" ADD CONSTRAINT "ZohoSignIn_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
