// openDatabase in embedded mode (lock file, persistence) and the schema's constraints, exercised
// through Prisma on both PostgreSQL and PGlite.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EmbeddedDatabaseLockedError, migrateDatabase, openDatabase, type Database } from './database';
import { Prisma } from './generated/client';
import { projectRoot } from './tools/migrate';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '../test/support/database';

const run = promisify(execFile);
const SLOW = 180_000;
// Every test here starts the wasm engine and/or a PGlite: seconds on an idle machine, but the whole
// suite runs beside them, so give every test and hook the same generous budget.
vi.setConfig({ testTimeout: SLOW, hookTimeout: SLOW });

describe('embedded database (PGlite in DATA_DIR)', () => {
  let dataDir: string;
  let first: Database | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'embedded-db-'));
  });
  afterAll(async () => {
    await first?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'opens, migrates and stores data',
    async () => {
      first = await openDatabase({ dataDir });
      expect(first.embedded).toBe(true);
      expect(first.url).toMatch(/^postgresql:\/\/[^@]+@127\.0\.0\.1:\d+\//);
      const applied = await migrateDatabase(first);
      expect(applied.length).toBeGreaterThan(0);
      expect(await migrateDatabase(first)).toEqual([]);
      await first.prisma.tenant.create({
        data: {
          installationId: 'inst-embedded',
          cloudId: 'cloud-embedded',
          apiBaseUrl: 'https://api.example/ex/jira/x',
        },
      });
    },
    SLOW,
  );

  it('refuses a second open of the same data directory in this process', async () => {
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(EmbeddedDatabaseLockedError);
  });

  it(
    'refuses it in another process too, with a message that says what to do',
    async () => {
      const result = await run(join(projectRoot, 'node_modules', '.bin', 'tsx'), ['prisma/tools/cli.ts', 'status'], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/already open in another process/);
      expect(result.stderr).toMatch(/DATABASE_URL/);
    },
    SLOW,
  );

  it(
    'finds its data again after close and reopen',
    async () => {
      await first!.close();
      first = undefined;
      const again = await openDatabase({ dataDir });
      try {
        expect(await migrateDatabase(again)).toEqual([]);
        const tenant = await again.prisma.tenant.findUnique({ where: { installationId: 'inst-embedded' } });
        expect(tenant?.cloudId).toBe('cloud-embedded');
      } finally {
        await again.close();
      }
    },
    SLOW,
  );
});

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('schema on %s', (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  }, SLOW);
  afterAll(async () => {
    await db?.drop();
  });

  const newTenant = (suffix: string) =>
    db.prisma.tenant.create({
      data: {
        installationId: `inst-${suffix}`,
        cloudId: `cloud-${suffix}`,
        apiBaseUrl: `https://api.atlassian.com/ex/jira/cloud-${suffix}`,
      },
    });

  const newSci = (tenantId: string, name: string) =>
    db.prisma.smartConnectedItem.create({
      data: {
        tenantId,
        name,
        syncMode: 'TWO_WAY',
        jiraProjectId: '10000',
        jiraProjectKey: 'SUP',
        zohoModule: 'Deals',
        options: { autoCreate: true, statusSync: { map: { Won: 'Done' } }, sizeLimit: 1024 },
      },
    });

  async function expectPrismaError(promise: Promise<unknown>, code: string): Promise<void> {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe(code);
  }

  it(
    'round-trips a tenant with its connection, secrets as bytes, and JSON options',
    async () => {
      const tenant = await newTenant('crud');
      const sealed = new Uint8Array([0, 1, 2, 250, 255]);
      await db.prisma.zohoConnection.create({
        data: {
          tenantId: tenant.id,
          mode: 'APP_OAUTH',
          state: 'CONNECTED',
          dataCenter: 'eu',
          apiDomain: 'https://www.zohoapis.eu',
          clientId: '1000.ABC',
          refreshTokenCiphertext: sealed,
          refreshTokenKeyId: 'k1',
          grantedScopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.notifications.ALL'],
        },
      });
      const sci = await newSci(tenant.id, 'Deals to SUP');

      const loaded = await db.prisma.tenant.findUniqueOrThrow({
        where: { id: tenant.id },
        include: { zohoConnection: true, smartConnectedItems: true },
      });
      expect(loaded.zohoConnection?.grantedScopes).toEqual(['ZohoCRM.modules.ALL', 'ZohoCRM.notifications.ALL']);
      expect(Array.from(loaded.zohoConnection!.refreshTokenCiphertext!)).toEqual(Array.from(sealed));
      expect(loaded.smartConnectedItems).toHaveLength(1);
      expect(loaded.smartConnectedItems[0]!.options).toEqual({
        autoCreate: true,
        statusSync: { map: { Won: 'Done' } },
        sizeLimit: 1024,
      });
      expect(loaded.smartConnectedItems[0]!.displayFields).toEqual([]);

      const updated = await db.prisma.smartConnectedItem.update({
        where: { id: sci.id },
        data: { paused: true, cursor: { zohoModifiedTime: '2025-01-01T00:00:00Z' } },
      });
      expect(updated.paused).toBe(true);
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(sci.updatedAt.getTime());

      await db.prisma.smartConnectedItem.delete({ where: { id: sci.id } });
      expect(await db.prisma.smartConnectedItem.count({ where: { tenantId: tenant.id } })).toBe(0);
    },
    SLOW,
  );

  it('keeps SCI names unique per tenant, not across tenants', async () => {
    const a = await newTenant('names-a');
    const b = await newTenant('names-b');
    await newSci(a.id, 'Same name');
    await newSci(b.id, 'Same name');
    await expectPrismaError(newSci(a.id, 'Same name'), 'P2002');
  });

  it('keeps one link per (SCI, issue, record) and one primary link per (SCI, issue); a record may link several issues (F43)', async () => {
    const tenant = await newTenant('links');
    const sci = await newSci(tenant.id, 'Links');
    const other = await newSci(tenant.id, 'Other links');
    const link = (sciId: string, jiraIssueId: string, zohoRecordId: string, primary = true) =>
      db.prisma.recordLink.create({
        data: {
          tenantId: tenant.id,
          sciId,
          jiraIssueId,
          jiraIssueKey: `SUP-${jiraIssueId}`,
          zohoModule: 'Deals',
          zohoRecordId,
          primary,
        },
      });
    await link(sci.id, '1', 'z1');
    await expectPrismaError(link(sci.id, '1', 'z1', false), 'P2002'); // the same link again
    await link(sci.id, '2', 'z1'); // the record on a second issue (primary there)
    await expectPrismaError(link(sci.id, '1', 'z2'), 'P2002'); // a second primary on issue 1
    await link(sci.id, '1', 'z2', false); // a secondary link on issue 1
    await link(other.id, '1', 'z1'); // another SCI may link the same pair

    // Concurrent primary links to one issue: one wins. (Auto-create's one issue per record is held by its
    // write intents, activities/sync/intents.ts, not by a key on this table.)
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => link(sci.id, '100', `z-race-${i}`)));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(await db.prisma.recordLink.count({ where: { sciId: sci.id, jiraIssueId: '100', primary: true } })).toBe(1);
  });

  it('refuses a child row whose SCI belongs to another tenant', async () => {
    const a = await newTenant('iso-a');
    const b = await newTenant('iso-b');
    const sciOfA = await newSci(a.id, 'Tenant A only');
    await expectPrismaError(
      db.prisma.syncRun.create({ data: { tenantId: b.id, sciId: sciOfA.id, kind: 'POLL' } }),
      'P2003',
    );
    await expectPrismaError(
      db.prisma.recordLink.create({
        data: {
          tenantId: b.id,
          sciId: sciOfA.id,
          jiraIssueId: '9',
          jiraIssueKey: 'SUP-9',
          zohoModule: 'Deals',
          zohoRecordId: 'z9',
        },
      }),
      'P2003',
    );
  });

  it('dedups mirrored notes/attachments and processed events', async () => {
    const tenant = await newTenant('mirror');
    const sci = await newSci(tenant.id, 'Mirror');
    const mirror = (zohoId: string, jiraId: string) =>
      db.prisma.mirroredItem.create({
        data: { tenantId: tenant.id, sciId: sci.id, kind: 'NOTE_COMMENT', direction: 'ZOHO_TO_JIRA', zohoId, jiraId },
      });
    await mirror('n1', 'c1');
    await expectPrismaError(mirror('n1', 'c2'), 'P2002');
    await expectPrismaError(mirror('n2', 'c1'), 'P2002');
    await db.prisma.mirroredItem.create({
      data: {
        tenantId: tenant.id,
        sciId: sci.id,
        kind: 'ATTACHMENT',
        direction: 'JIRA_TO_ZOHO',
        zohoId: 'n1',
        jiraId: 'c1',
      },
    });

    const event = { tenantId: tenant.id, source: 'JIRA' as const, eventKey: 'issue_updated:10001:1700000000000' };
    const first = await db.prisma.processedEvent.createMany({ data: [event], skipDuplicates: true });
    const second = await db.prisma.processedEvent.createMany({ data: [event], skipDuplicates: true });
    expect([first.count, second.count]).toEqual([1, 0]);
  });

  it('deletes everything a tenant owns with the tenant', async () => {
    const tenant = await newTenant('cascade');
    const sci = await newSci(tenant.id, 'Cascade');
    await db.prisma.syncRun.create({ data: { tenantId: tenant.id, sciId: sci.id, kind: 'MANUAL' } });
    await db.prisma.apiBudgetCounter.create({
      data: {
        tenantId: tenant.id,
        provider: 'ZOHO',
        windowStart: new Date('2025-01-01T00:00:00Z'),
        windowSeconds: 86_400,
        used: 3,
      },
    });
    await db.prisma.tenant.delete({ where: { id: tenant.id } });
    expect(await db.prisma.smartConnectedItem.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.prisma.syncRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.prisma.apiBudgetCounter.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
