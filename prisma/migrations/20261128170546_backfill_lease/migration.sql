-- AlterTable
ALTER TABLE "BackfillRun" ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMPTZ(3);
