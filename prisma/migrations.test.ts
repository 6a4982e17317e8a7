// The migration tooling against both databases it must serve: the embedded PGlite and a real
// PostgreSQL (the suite's server from test/global-setup.ts, or a private one).
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPgliteServer, type PgliteServer } from './pglite-server';
import {
  createMigration,
  deployMigrations,
  migrationStatus,
  pendingSchemaChanges,
  projectRoot,
  resolveMigration,
  type MigrationPaths,
} from './tools/migrate';
import { migrationChecksum, readMigrationsList } from './tools/migrations-dir';
import { migrationPaths } from './database';
import { startTestPostgres, type TestPostgres } from '../test/support/postgres';

const run = promisify(execFile);
const SLOW = 180_000;
// Every test here starts the wasm engine and/or a PGlite: seconds on an idle machine, but the whole
// suite runs beside them, so give every test and hook the same generous budget.
vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });
const cli = join(projectRoot, 'prisma', 'tools', 'cli.ts');
const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');

let postgres: TestPostgres;
const createdDatabases: string[] = [];

/** A brand-new, empty database on the PostgreSQL server (not the test template: these tests migrate). */
async function freshPostgresDatabase(): Promise<string> {
  const name = `migrate_${Math.random().toString(36).slice(2, 12)}`;
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  createdDatabases.push(name);
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const appliedSql =
  'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name';
const tablesSql =
  "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name";
const columnsSql =
  "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name";

/** A scratch copy of schema.prisma and the migrations folder, for tests that change them. */
async function copyOfProject(): Promise<MigrationPaths & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'prisma-copy-'));
  const schemaPath = join(dir, 'schema.prisma');
  const migrationsDir = join(dir, 'migrations');
  await cp(migrationPaths.schemaPath, schemaPath);
  await cp(migrationPaths.migrationsDir, migrationsDir, { recursive: true });
  return { dir, schemaPath, migrationsDir };
}

const extraModel = `
/// Added by a test: nothing migrates it.
model TestOnlyWidget {
  id       String @id
  tenantId String
  label    String

  @@index([tenantId])
}
`;

beforeAll(async () => {
  postgres = await startTestPostgres();
});

afterAll(async () => {
  if (!postgres) return;
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  for (const name of createdDatabases) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  await postgres.stop();
});

describe('the migrations folder', () => {
  let pglite: PgliteServer;
  let postgresUrl: string;

  beforeAll(async () => {
    [pglite, postgresUrl] = await Promise.all([startPgliteServer(), freshPostgresDatabase()]);
  });
  afterAll(async () => {
    await pglite?.stop();
  });

  it('is in Prisma format with a postgresql lock file', async () => {
    const list = await readMigrationsList(migrationPaths.migrationsDir);
    expect(list.lockfile.content).toMatch(/provider = "postgresql"/);
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    for (const dir of list.migrationDirectories) {
      expect(dir.path).toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(dir.migrationFile.content.tag).toBe('ok');
    }
  });

  it('reports every migration pending on a database that was never migrated', async () => {
    const list = await readMigrationsList(migrationPaths.migrationsDir);
    const status = await migrationStatus(postgresUrl, migrationPaths);
    expect(status.hasMigrationsTable).toBe(false);
    expect(status.pending).toEqual(list.migrationDirectories.map((d) => d.path));
    expect(status.upToDate).toBe(false);
  });

  it('migrates a fresh PGlite and a fresh PostgreSQL to the same tables and checksums', async () => {
    const list = await readMigrationsList(migrationPaths.migrationsDir);
    const names = list.migrationDirectories.map((d) => d.path);

    const [onPglite, onPostgres] = await Promise.all([
      deployMigrations(pglite.url, migrationPaths),
      deployMigrations(postgresUrl, migrationPaths),
    ]);
    expect(onPglite.applied).toEqual(names);
    expect(onPostgres.applied).toEqual(names);

    const expectedChecksums = list.migrationDirectories.map((d) => ({
      migration_name: d.path,
      checksum: migrationChecksum(d.migrationFile.content.value),
    }));
    for (const url of [pglite.url, postgresUrl]) {
      const rows = await query<AppliedRow>(url, appliedSql);
      expect(rows.map((r) => ({ migration_name: r.migration_name, checksum: r.checksum }))).toEqual(expectedChecksums);
      expect(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
    }

    const [pgliteTables, postgresTables] = await Promise.all([
      query<{ table_name: string }>(pglite.url, tablesSql),
      query<{ table_name: string }>(postgresUrl, tablesSql),
    ]);
    expect(pgliteTables).toEqual(postgresTables);
    expect(postgresTables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        '_prisma_migrations',
        'Tenant',
        'ZohoConnection',
        'ZohoUserToken',
        'SmartConnectedItem',
        'RecordLink',
        'SyncRun',
        'MirroredItem',
        'ProcessedEvent',
        'ZohoNotificationChannel',
        'ApiBudgetCounter',
      ]),
    );
    expect(await query(pglite.url, columnsSql)).toEqual(await query(postgresUrl, columnsSql));
  });

  it('then reports both databases up to date, and a second deploy applies nothing', async () => {
    for (const url of [pglite.url, postgresUrl]) {
      const status = await migrationStatus(url, migrationPaths);
      expect(status).toMatchObject({ pending: [], unknownToFolder: [], failed: [], edited: [], upToDate: true });
      expect((await deployMigrations(url, migrationPaths)).applied).toEqual([]);
    }
  });

  it('notices an applied migration whose migration.sql was edited afterwards', async () => {
    const copy = await copyOfProject();
    try {
      const list = await readMigrationsList(copy.migrationsDir);
      const first = join(copy.migrationsDir, list.migrationDirectories[0]!.path, 'migration.sql');
      await appendFile(first, '\n-- edited after the fact\n');
      const status = await migrationStatus(postgresUrl, copy);
      expect(status.edited).toEqual([list.migrationDirectories[0]!.path]);
      expect(status.upToDate).toBe(false);
    } finally {
      await rm(copy.dir, { recursive: true, force: true });
    }
  });
});

describe('check and create', () => {
  // (`npm test` itself runs `npm run db:migrate:check` on the repository, the exit-0 path of the CLI.)
  it(
    'the repository’s schema and migrations agree',
    async () => {
      expect(await pendingSchemaChanges(migrationPaths)).toBeNull();
    },
    SLOW,
  );

  it(
    'check exits non-zero when the schema has a change without a migration',
    async () => {
      const copy = await copyOfProject();
      try {
        await appendFile(copy.schemaPath, extraModel);
        const result = await run(tsx, [cli, 'check', '--schema', copy.schemaPath, '--migrations', copy.migrationsDir], {
          cwd: projectRoot,
        }).then(
          () => ({ code: 0, stderr: '' }),
          (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
        );
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/CREATE TABLE "TestOnlyWidget"/);
      } finally {
        await rm(copy.dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );

  it(
    'create writes the missing migration; afterwards check passes and it deploys on top of the others',
    async () => {
      const copy = await copyOfProject();
      try {
        await appendFile(copy.schemaPath, extraModel);
        const before = await readMigrationsList(copy.migrationsDir);
        const lockBefore = await readFile(join(copy.migrationsDir, 'migration_lock.toml'), 'utf8');

        const created = await createMigration(copy, 'add test widget');
        expect(created?.folder).toMatch(/^\d{14}_add_test_widget$/);
        const after = await readMigrationsList(copy.migrationsDir);
        expect(after.migrationDirectories.map((d) => d.path)).toEqual([
          ...before.migrationDirectories.map((d) => d.path),
          created!.folder,
        ]);
        expect(await readFile(join(copy.migrationsDir, created!.folder, 'migration.sql'), 'utf8')).toMatch(
          /CREATE TABLE "TestOnlyWidget"/,
        );
        expect(await readFile(join(copy.migrationsDir, 'migration_lock.toml'), 'utf8')).toBe(lockBefore);

        expect(await pendingSchemaChanges(copy)).toBeNull();
        expect(await createMigration(copy, 'nothing')).toBeNull();

        const url = await freshPostgresDatabase();
        const { applied } = await deployMigrations(url, copy);
        expect(applied).toEqual(after.migrationDirectories.map((d) => d.path));
        expect(await query(url, `SELECT count(*)::int AS n FROM "TestOnlyWidget"`)).toEqual([{ n: 0 }]);
      } finally {
        await rm(copy.dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );

  it('F43: many links keeps every existing link as the primary one, and allows one primary per issue and SCI', async () => {
    const copy = await copyOfProject();
    try {
      // The database as it was before F43: that migration and any later one held back.
      const names = (await readdir(copy.migrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
      const f43 = names.find((m) => m.endsWith('_f43_many_links'));
      expect(f43).toBeDefined();
      const later = names.filter((m) => m >= f43!);
      const held = join(copy.dir, 'held');
      await mkdir(held);
      for (const m of later) {
        await cp(join(copy.migrationsDir, m), join(held, m), { recursive: true });
        await rm(join(copy.migrationsDir, m), { recursive: true });
      }
      const url = await freshPostgresDatabase();
      await deployMigrations(url, copy);
      await query(
        url,
        `INSERT INTO "Tenant" (id, "installationId", "cloudId", "apiBaseUrl", "updatedAt") VALUES ('t1', 'inst-1', 'cloud-1', 'https://example.test', now());
         INSERT INTO "SmartConnectedItem" (id, "tenantId", name, "syncMode", "jiraProjectId", "jiraProjectKey", "zohoModule", "updatedAt")
           VALUES ('s1', 't1', 'Deals', 'ONE_WAY', '10000', 'DEMO', 'Deals', now());
         INSERT INTO "RecordLink" (id, "tenantId", "sciId", "jiraIssueId", "jiraIssueKey", "zohoModule", "zohoRecordId", "updatedAt")
           VALUES ('l1', 't1', 's1', '10001', 'DEMO-1', 'Deals', '500', now()), ('l2', 't1', 's1', '10002', 'DEMO-2', 'Deals', '501', now());`,
      );
      for (const m of later) await cp(join(held, m), join(copy.migrationsDir, m), { recursive: true });
      await deployMigrations(url, copy);
      expect(await query(url, `SELECT id, "primary" FROM "RecordLink" ORDER BY id`)).toEqual([
        { id: 'l1', primary: true },
        { id: 'l2', primary: true },
      ]);
      // A second record on DEMO-1 is fine as secondary, not as a second primary; the same link twice never.
      await query(url, `INSERT INTO "RecordLink" (id, "tenantId", "sciId", "jiraIssueId", "jiraIssueKey", "zohoModule", "zohoRecordId", "primary", "updatedAt") VALUES ('l3', 't1', 's1', '10001', 'DEMO-1', 'Deals', '502', false, now())`);
      // The same record on a second issue, primary there.
      await query(url, `INSERT INTO "RecordLink" (id, "tenantId", "sciId", "jiraIssueId", "jiraIssueKey", "zohoModule", "zohoRecordId", "updatedAt") VALUES ('l4', 't1', 's1', '10003', 'DEMO-3', 'Deals', '500', now())`);
      await expect(
        query(url, `INSERT INTO "RecordLink" (id, "tenantId", "sciId", "jiraIssueId", "jiraIssueKey", "zohoModule", "zohoRecordId", "updatedAt") VALUES ('l5', 't1', 's1', '10001', 'DEMO-1', 'Deals', '503', now())`),
      ).rejects.toThrow(/RecordLink_primary_per_issue/);
      await expect(
        query(url, `INSERT INTO "RecordLink" (id, "tenantId", "sciId", "jiraIssueId", "jiraIssueKey", "zohoModule", "zohoRecordId", "primary", "updatedAt") VALUES ('l6', 't1', 's1', '10001', 'DEMO-1', 'Deals', '502', false, now())`),
      ).rejects.toThrow(/RecordLink_sciId_jiraIssueId_zohoRecordId_key/);
    } finally {
      await rm(copy.dir, { recursive: true, force: true });
    }
  });

  it('hand-written migrations with $$ bodies and semicolons in strings deploy as written', async () => {
    const copy = await copyOfProject();
    try {
      const folder = join(copy.migrationsDir, '29990101000000_hand_written');
      await mkdir(folder);
      await writeFile(
        join(folder, 'migration.sql'),
        [
          `CREATE FUNCTION test_semicolons() RETURNS text LANGUAGE plpgsql AS $$`,
          `BEGIN`,
          `  RETURN 'a;b';`,
          `END;`,
          `$$;`,
          `COMMENT ON FUNCTION test_semicolons() IS 'x; y';`,
        ].join('\n'),
      );
      const url = await freshPostgresDatabase();
      await deployMigrations(url, copy);
      expect(await query(url, 'SELECT test_semicolons() AS v')).toEqual([{ v: 'a;b' }]);
    } finally {
      await rm(copy.dir, { recursive: true, force: true });
    }
  });

  it('a failing migration is rolled back whole, reported as failed, and can be resolved and retried', async () => {
    const copy = await copyOfProject();
    try {
      const name = '29990101000000_breaks_halfway';
      const folder = join(copy.migrationsDir, name);
      await mkdir(folder);
      const sqlFile = join(folder, 'migration.sql');
      await writeFile(sqlFile, 'CREATE TABLE "HalfDone" (id int);\nSELECT no_such_function();\n');
      const url = await freshPostgresDatabase();

      await expect(deployMigrations(url, copy)).rejects.toThrow(/no_such_function/);
      const status = await migrationStatus(url, copy);
      expect(status.failed).toEqual([name]);
      expect(status.upToDate).toBe(false);
      // Sent as one simple-protocol query, the script ran in one implicit transaction: nothing remains.
      expect(await query(url, `SELECT to_regclass('"HalfDone"') AS t`)).toEqual([{ t: null }]);
      // Like native Prisma, deploy refuses to go on past a failed migration until it is resolved.
      await expect(deployMigrations(url, copy)).rejects.toThrow(/failed/i);

      await writeFile(sqlFile, 'CREATE TABLE "HalfDone" (id int);\n');
      await resolveMigration(url, copy, name, 'rolled-back');
      expect((await deployMigrations(url, copy)).applied).toEqual([name]);
      expect((await migrationStatus(url, copy)).upToDate).toBe(true);
    } finally {
      await rm(copy.dir, { recursive: true, force: true });
    }
  });
});
