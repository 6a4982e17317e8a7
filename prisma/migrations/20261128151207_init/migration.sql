-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "TenantStatus" AS ENUM ('ACTIVE', 'UNINSTALLED');

-- CreateEnum
CREATE TYPE "ZohoConnectionMode" AS ENUM ('PROVIDERS', 'APP_OAUTH');

-- CreateEnum
CREATE TYPE "ZohoConnectionState" AS ENUM ('NOT_CONFIGURED', 'CONNECTED', 'REAUTH_REQUIRED', 'ERROR');

-- CreateEnum
CREATE TYPE "SyncMode" AS ENUM ('DISPLAY', 'ONE_WAY', 'TWO_WAY');

-- CreateEnum
CREATE TYPE "LinkManagement" AS ENUM ('AUTO', 'MANUAL');

-- CreateEnum
CREATE TYPE "SyncRunKind" AS ENUM ('POLL', 'EVENT', 'BACKFILL', 'MANUAL');

-- CreateEnum
CREATE TYPE "SyncRunOutcome" AS ENUM ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "MirrorKind" AS ENUM ('NOTE_COMMENT', 'ATTACHMENT');

-- CreateEnum
CREATE TYPE "MirrorDirection" AS ENUM ('ZOHO_TO_JIRA', 'JIRA_TO_ZOHO');

-- CreateEnum
CREATE TYPE "EventSource" AS ENUM ('JIRA', 'ZOHO');

-- CreateEnum
CREATE TYPE "NotificationChannelState" AS ENUM ('ACTIVE', 'EXPIRED', 'DISABLED');

-- CreateEnum
CREATE TYPE "ApiProvider" AS ENUM ('ZOHO', 'JIRA');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "installationId" TEXT NOT NULL,
    "cloudId" TEXT NOT NULL,
    "siteUrl" TEXT,
    "apiBaseUrl" TEXT NOT NULL,
    "status" "TenantStatus" NOT NULL DEFAULT 'ACTIVE',
    "forgeSystemTokenCiphertext" BYTEA,
    "forgeSystemTokenKeyId" TEXT,
    "forgeSystemTokenExpiresAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "uninstalledAt" TIMESTAMPTZ(3),

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ZohoConnection" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mode" "ZohoConnectionMode" NOT NULL,
    "state" "ZohoConnectionState" NOT NULL DEFAULT 'NOT_CONFIGURED',
    "dataCenter" TEXT NOT NULL,
    "accountsUrl" TEXT,
    "apiDomain" TEXT,
    "zohoOrgId" TEXT,
    "clientId" TEXT,
    "clientSecretCiphertext" BYTEA,
    "clientSecretKeyId" TEXT,
    "refreshTokenCiphertext" BYTEA,
    "refreshTokenKeyId" TEXT,
    "accessTokenCiphertext" BYTEA,
    "accessTokenKeyId" TEXT,
    "accessTokenExpiresAt" TIMESTAMPTZ(3),
    "grantedScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMPTZ(3),
    "connectedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ZohoConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ZohoUserToken" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "jiraAccountId" TEXT NOT NULL,
    "zohoUserId" TEXT,
    "zohoEmail" TEXT,
    "refreshTokenCiphertext" BYTEA,
    "refreshTokenKeyId" TEXT,
    "accessTokenCiphertext" BYTEA,
    "accessTokenKeyId" TEXT,
    "accessTokenExpiresAt" TIMESTAMPTZ(3),
    "grantedScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "state" "ZohoConnectionState" NOT NULL DEFAULT 'CONNECTED',
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ZohoUserToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SmartConnectedItem" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "syncMode" "SyncMode" NOT NULL,
    "jiraProjectId" TEXT NOT NULL,
    "jiraProjectKey" TEXT NOT NULL,
    "jiraIssueTypeId" TEXT,
    "zohoModule" TEXT NOT NULL,
    "displayFields" JSONB NOT NULL DEFAULT '[]',
    "fieldMappings" JSONB NOT NULL DEFAULT '[]',
    "options" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "workflowId" TEXT,
    "cursor" JSONB,
    "lastSyncedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SmartConnectedItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecordLink" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "jiraIssueId" TEXT NOT NULL,
    "jiraIssueKey" TEXT NOT NULL,
    "zohoModule" TEXT NOT NULL,
    "zohoRecordId" TEXT NOT NULL,
    "managed" "LinkManagement" NOT NULL DEFAULT 'AUTO',
    "lastJiraUpdatedAt" TIMESTAMPTZ(3),
    "lastZohoModifiedAt" TIMESTAMPTZ(3),
    "lastSyncedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RecordLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "kind" "SyncRunKind" NOT NULL,
    "outcome" "SyncRunOutcome" NOT NULL DEFAULT 'RUNNING',
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),
    "recordsSeen" INTEGER NOT NULL DEFAULT 0,
    "recordsChanged" INTEGER NOT NULL DEFAULT 0,
    "recordsCreated" INTEGER NOT NULL DEFAULT 0,
    "recordsSkipped" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "workflowRunId" TEXT,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MirroredItem" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "recordLinkId" TEXT,
    "kind" "MirrorKind" NOT NULL,
    "direction" "MirrorDirection" NOT NULL,
    "zohoId" TEXT NOT NULL,
    "jiraId" TEXT NOT NULL,
    "contentHash" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MirroredItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedEvent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "source" "EventSource" NOT NULL,
    "eventKey" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ZohoNotificationChannel" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT,
    "channelId" TEXT NOT NULL,
    "events" TEXT[],
    "notifyUrl" TEXT NOT NULL,
    "tokenCiphertext" BYTEA,
    "tokenKeyId" TEXT,
    "state" "NotificationChannelState" NOT NULL DEFAULT 'ACTIVE',
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastRenewedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ZohoNotificationChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiBudgetCounter" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "provider" "ApiProvider" NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "windowSeconds" INTEGER NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    "limit" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ApiBudgetCounter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_installationId_key" ON "Tenant"("installationId");

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_cloudId_key" ON "Tenant"("cloudId");

-- CreateIndex
CREATE UNIQUE INDEX "ZohoConnection_tenantId_key" ON "ZohoConnection"("tenantId");

-- CreateIndex
CREATE INDEX "ZohoUserToken_tenantId_idx" ON "ZohoUserToken"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ZohoUserToken_tenantId_jiraAccountId_key" ON "ZohoUserToken"("tenantId", "jiraAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "SmartConnectedItem_workflowId_key" ON "SmartConnectedItem"("workflowId");

-- CreateIndex
CREATE INDEX "SmartConnectedItem_tenantId_idx" ON "SmartConnectedItem"("tenantId");

-- CreateIndex
CREATE INDEX "SmartConnectedItem_tenantId_jiraProjectId_idx" ON "SmartConnectedItem"("tenantId", "jiraProjectId");

-- CreateIndex
CREATE UNIQUE INDEX "SmartConnectedItem_id_tenantId_key" ON "SmartConnectedItem"("id", "tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "SmartConnectedItem_tenantId_name_key" ON "SmartConnectedItem"("tenantId", "name");

-- CreateIndex
CREATE INDEX "RecordLink_tenantId_idx" ON "RecordLink"("tenantId");

-- CreateIndex
CREATE INDEX "RecordLink_tenantId_jiraIssueId_idx" ON "RecordLink"("tenantId", "jiraIssueId");

-- CreateIndex
CREATE INDEX "RecordLink_tenantId_zohoModule_zohoRecordId_idx" ON "RecordLink"("tenantId", "zohoModule", "zohoRecordId");

-- CreateIndex
CREATE UNIQUE INDEX "RecordLink_sciId_zohoRecordId_key" ON "RecordLink"("sciId", "zohoRecordId");

-- CreateIndex
CREATE UNIQUE INDEX "RecordLink_sciId_jiraIssueId_key" ON "RecordLink"("sciId", "jiraIssueId");

-- CreateIndex
CREATE INDEX "SyncRun_tenantId_idx" ON "SyncRun"("tenantId");

-- CreateIndex
CREATE INDEX "SyncRun_sciId_startedAt_idx" ON "SyncRun"("sciId", "startedAt");

-- CreateIndex
CREATE INDEX "MirroredItem_tenantId_idx" ON "MirroredItem"("tenantId");

-- CreateIndex
CREATE INDEX "MirroredItem_recordLinkId_idx" ON "MirroredItem"("recordLinkId");

-- CreateIndex
CREATE UNIQUE INDEX "MirroredItem_sciId_kind_zohoId_key" ON "MirroredItem"("sciId", "kind", "zohoId");

-- CreateIndex
CREATE UNIQUE INDEX "MirroredItem_sciId_kind_jiraId_key" ON "MirroredItem"("sciId", "kind", "jiraId");

-- CreateIndex
CREATE INDEX "ProcessedEvent_tenantId_idx" ON "ProcessedEvent"("tenantId");

-- CreateIndex
CREATE INDEX "ProcessedEvent_expiresAt_idx" ON "ProcessedEvent"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessedEvent_tenantId_source_eventKey_key" ON "ProcessedEvent"("tenantId", "source", "eventKey");

-- CreateIndex
CREATE INDEX "ZohoNotificationChannel_tenantId_idx" ON "ZohoNotificationChannel"("tenantId");

-- CreateIndex
CREATE INDEX "ZohoNotificationChannel_expiresAt_idx" ON "ZohoNotificationChannel"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ZohoNotificationChannel_tenantId_channelId_key" ON "ZohoNotificationChannel"("tenantId", "channelId");

-- CreateIndex
CREATE INDEX "ApiBudgetCounter_tenantId_idx" ON "ApiBudgetCounter"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiBudgetCounter_tenantId_provider_windowStart_windowSecond_key" ON "ApiBudgetCounter"("tenantId", "provider", "windowStart", "windowSeconds");

-- AddForeignKey
ALTER TABLE "ZohoConnection" ADD CONSTRAINT "ZohoConnection_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ZohoUserToken" ADD CONSTRAINT "ZohoUserToken_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SmartConnectedItem" ADD CONSTRAINT "SmartConnectedItem_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordLink" ADD CONSTRAINT "RecordLink_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordLink" ADD CONSTRAINT "RecordLink_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MirroredItem" ADD CONSTRAINT "MirroredItem_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MirroredItem" ADD CONSTRAINT "MirroredItem_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MirroredItem" ADD CONSTRAINT "MirroredItem_recordLinkId_fkey" FOREIGN KEY ("recordLinkId") REFERENCES "RecordLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcessedEvent" ADD CONSTRAINT "ProcessedEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ZohoNotificationChannel" ADD CONSTRAINT "ZohoNotificationChannel_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ZohoNotificationChannel" ADD CONSTRAINT "ZohoNotificationChannel_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiBudgetCounter" ADD CONSTRAINT "ApiBudgetCounter_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
