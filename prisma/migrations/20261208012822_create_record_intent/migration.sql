-- AlterEnum
ALTER TYPE "WriteIntentKind" ADD VALUE 'ZOHO_RECORD';
