-- CreateIndex
CREATE INDEX "WriteIntent_updatedAt_idx" ON "WriteIntent"("updatedAt");
