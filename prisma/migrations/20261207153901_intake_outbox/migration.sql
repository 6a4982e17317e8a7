-- CreateTable
CREATE TABLE "IntakeEvent" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sciId" TEXT NOT NULL,
    "source" "EventSource" NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "IntakeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IntakeEvent_tenantId_idx" ON "IntakeEvent"("tenantId");

-- CreateIndex
CREATE INDEX "IntakeEvent_sciId_tenantId_idx" ON "IntakeEvent"("sciId", "tenantId");

-- AddForeignKey
ALTER TABLE "IntakeEvent" ADD CONSTRAINT "IntakeEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntakeEvent" ADD CONSTRAINT "IntakeEvent_sciId_tenantId_fkey" FOREIGN KEY ("sciId", "tenantId") REFERENCES "SmartConnectedItem"("id", "tenantId") ON DELETE CASCADE ON UPDATE CASCADE;
