// A fresh, migrated, isolated database per call, for any test that needs Prisma.
//   createTestDatabase()          → a new database on the suite's PostgreSQL (TEST_POSTGRES_URL,
//                                   set by test/global-setup.ts), cloned from a migrated template
//   createTestDatabase('pglite')  → a new in-memory PGlite behind its socket server
// Always call drop() (afterAll/afterEach): it disconnects and deletes the database.
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/client';
import { migrateDatabase, migrationPaths } from '../../prisma/database';
import { startPgliteServer } from '../../prisma/pglite-server';
import { readMigrationsList } from '../../prisma/tools/migrations-dir';
import { startTestPostgres, type TestPostgres } from './postgres';

export type TestDatabaseKind = 'postgres' | 'pglite';

export interface TestDatabase {
  prisma: PrismaClient;
  /** Connection URL of this database only. */
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: TestDatabaseKind = 'postgres'): Promise<TestDatabase> {
  return kind === 'pglite' ? createPgliteDatabase() : createPostgresDatabase();
}

// ─── PostgreSQL ───

let privateServer: Promise<TestPostgres> | undefined;

/** The suite's server; outside the suite (a file run on its own without global setup) a private one. */
async function adminUrl(): Promise<string> {
  const url = process.env.TEST_POSTGRES_URL;
  if (url) return url;
  privateServer ??= startTestPostgres(); // stopped by its own process-exit hook
  return (await privateServer).url;
}

async function migrationsHash(): Promise<string> {
  const list = await readMigrationsList(migrationPaths.migrationsDir);
  const hash = createHash('sha256');
  for (const dir of list.migrationDirectories) {
    hash.update(dir.path).update('\0').update(dir.migrationFile.content.value).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

// Every process (vitest runs files in several) serializes template work on one advisory lock.
const TEMPLATE_LOCK = 7_140_202_501;

async function createPostgresDatabase(): Promise<TestDatabase> {
  const admin = await adminUrl();
  const template = `test_template_${await migrationsHash()}`;
  const name = `test_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) await buildTemplate(client, admin, template);
      // Migrating once and copying the result is far cheaper than running the engine for every test.
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  } finally {
    await client.end();
  }

  const url = withDatabase(admin, name);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });
  let dropped = false;
  return {
    prisma,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await prisma.$disconnect();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Migrates a scratch database and publishes it under the template name by renaming (all or nothing). */
async function buildTemplate(client: pg.Client, admin: string, template: string): Promise<void> {
  const scratch = `${template}_build_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  await client.query(`CREATE DATABASE "${scratch}"`);
  try {
    await migrateDatabase(withDatabase(admin, scratch));
    await client.query(`ALTER DATABASE "${scratch}" RENAME TO "${template}"`);
  } catch (error) {
    await client.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`).catch(() => {});
    throw error;
  }
  // Templates of older migration folders are dead weight on a long-lived TEST_POSTGRES_URL server.
  const stale = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'test\\_template\\_%' AND datname <> $1",
    [template],
  );
  for (const { datname } of stale.rows) {
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
  }
}

// ─── PGlite ───

let pgliteTemplate: Promise<Blob> | undefined;

/** One migrated PGlite per process, dumped; every test database starts from that dump. */
function migratedPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const server = await startPgliteServer();
    try {
      await migrateDatabase(server.url);
      return await server.db.dumpDataDir('none');
    } finally {
      await server.stop();
    }
  })();
  return pgliteTemplate;
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const server = await startPgliteServer({ loadDataDir: await migratedPgliteDump() });
  // Pool size 1, as in production embedded mode (see prisma/database.ts).
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: server.url, max: 1, idleTimeoutMillis: 0 }),
  });
  let dropped = false;
  return {
    prisma,
    url: server.url,
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await prisma.$disconnect();
      } finally {
        await server.stop();
      }
    },
  };
}
