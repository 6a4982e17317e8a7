-- AlterTable
ALTER TABLE "RecordLink" ADD COLUMN     "lastZohoFingerprint" TEXT;
