// Read by the prisma CLI (generate/validate/format, and native `prisma migrate deploy` where Prisma's
// CDN is reachable) and by prisma/tools, so both agree on where the schema and migrations live.
import { defineConfig } from '@prisma/config';

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(url ? { datasource: { url } } : {}),
});
