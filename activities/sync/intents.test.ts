// Intent before effect (./intents.ts) against the real simulators, with Jira's search-index lag on: every
// vendor create is retried right after the vendor accepted it while the connector's own bookkeeping failed
// (the DB write of the link, of the created id or of the MirroredItem row). The failure is injected with a
// Prisma query extension, so the vendor calls and everything else run for real. After the retry there is
// exactly one copy on the vendor's side.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jqlAnd, jqlEq, jqlIssueProperty } from '../../clients/jira';
import { importRecords } from '../backfill/import';
import { PageTally } from '../backfill/tally';
import type { ZohoRecord } from '../../clients/zoho';
import { createLogger } from '../../lib/logger';
import { definitionOf, sciDefinitionSchema } from '../../lib/sci/definition';
import type { Prisma, PrismaClient, RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import { createIssueOnce, LINK_PROPERTY, linkKey } from './auto-create';
import { MetadataCache, SciContext } from './context';
import { RunTally } from './counts';
import { MIRROR_PROPERTY, mirrorJiraAttachment, mirrorJiraComment, mirrorZohoNotes } from './mirror';

/** Longer than a test's retry takes, shorter than the budget the connector waits out. */
const LAG_MS = 1_500;
const BUDGET_MS = 3_000;

let s: SyncStack;
let sci: SmartConnectedItem;
let ctx: SciContext;
let sciRow: () => Prisma.SmartConnectedItemUncheckedCreateInput;

interface Injected {
  model: string;
  operation: string;
  when?: (args: unknown) => boolean;
  /** Instead of failing the query: run this, then the query. */
  before?: () => void;
}
let injected: Injected[] = [];

/** The next matching query fails once, as a lost connection or a crash between two writes would. */
function failOnce(model: string, operation: string, when?: (args: unknown) => boolean): void {
  injected.push({ model, operation, ...(when ? { when } : {}) });
}
const storesCreatedId = (args: unknown) => typeof (args as { data?: { createdId?: unknown } }).data?.createdId === 'string';

beforeAll(async () => {
  s = await startSyncStack({ inProcessWorker: false });
  s.t.jira.setSearchIndexLag(LAG_MS);
  const prisma = s.t.db.prisma.$extends({
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const i = injected.findIndex((f) => f.model === model && f.operation === operation && (!f.when || f.when(args)));
          if (i >= 0) {
            const [hit] = injected.splice(i, 1);
            if (!hit!.before) throw new Error(`injected failure: ${model}.${operation}`);
            hit!.before();
          }
          return query(args);
        },
      },
    },
  }) as unknown as PrismaClient;

  const def = sciDefinitionSchema.parse({
    name: `intents-${randomUUID().slice(0, 6)}`,
    syncMode: 'TWO_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary', owner: 'BOTH' }],
    options: { autoCreate: true, notesSync: true, attachmentSync: true, attachmentMaxBytes: 64 * 1024 },
  });
  const project = await s.jira.metadata.getProject(def.jiraProjectId);
  sciRow = () => ({
    tenantId: s.tenant.id,
    name: def.name,
    syncMode: def.syncMode,
    jiraProjectId: def.jiraProjectId,
    jiraProjectKey: project.key,
    jiraIssueTypeId: def.jiraIssueTypeId,
    zohoModule: def.zohoModule,
    displayFields: def.displayFields,
    fieldMappings: def.fieldMappings,
    options: def.options,
  });
  sci = await s.t.db.prisma.smartConnectedItem.create({ data: { ...sciRow(), createdAt: new Date(Date.now() - 1000) } });
  ctx = new SciContext(
    { prisma, clients: s.t.deps.clients, log: createLogger('silent'), indexLagBudgetMs: BUDGET_MS },
    sci,
    definitionOf(sci),
    new MetadataCache(),
  );
}, 180_000);

afterAll(async () => {
  await s?.close();
});

beforeEach(() => {
  injected = [];
});

async function newDeal(name: string): Promise<ZohoRecord> {
  const [row] = await s.zoho.records.insert('Deals', [{ Deal_Name: name, Stage: 'Qualification' }]);
  if (!row?.ok) throw new Error(`deal not created: ${JSON.stringify(row)}`);
  const record = await s.zoho.records.get('Deals', row.id, { fields: ['Deal_Name', 'Created_Time', 'Modified_Time'] });
  return record!;
}

async function issuesWithLinkKey(recordId: string): Promise<string[]> {
  // Past the index lag, the search sees every issue made so far.
  await new Promise((r) => setTimeout(r, LAG_MS + 200));
  const page = await s.jira.issues.search({
    jql: jqlAnd(jqlEq('project', '10000'), jqlEq(jqlIssueProperty(LINK_PROPERTY, 'key'), linkKey(sci.id, recordId))),
    fields: ['summary'],
  });
  return page.issues.map((i) => i.id);
}

async function linkedPair(): Promise<{ link: RecordLink; dealId: string; issueKey: string }> {
  const deal = await newDeal(`Pair ${randomUUID().slice(0, 8)}`);
  const issue = await s.jira.issues.create({ project: { key: 'DEMO' }, issueType: { id: '10001' }, summary: 'Linked by hand' });
  const link = await s.t.db.prisma.recordLink.create({
    data: { tenantId: sci.tenantId, sciId: sci.id, jiraIssueId: issue.id, jiraIssueKey: issue.key, zohoModule: 'Deals', zohoRecordId: deal.id, managed: 'MANUAL' },
  });
  return { link, dealId: deal.id, issueKey: issue.key };
}

describe('auto-create (JIRA_ISSUE) retried within the search-index lag', () => {
  it('the link write failed after the create: the retry uses the stored id, one issue', async () => {
    const record = await newDeal(`Link write fails ${randomUUID().slice(0, 8)}`);
    failOnce('RecordLink', 'upsert');
    await expect(createIssueOnce(ctx, record, new RunTally())).rejects.toThrow(/injected/);
    const tally = new RunTally();
    const link = await createIssueOnce(ctx, record, tally);
    expect(link).not.toBeNull();
    expect(tally.created).toBe(0);
    expect(await issuesWithLinkKey(record.id)).toEqual([link!.jiraIssueId]);
  });

  it('the created id was never stored (a crash right after the create): the retry waits out the index, one issue', async () => {
    const record = await newDeal(`Id write fails ${randomUUID().slice(0, 8)}`);
    failOnce('WriteIntent', 'update', storesCreatedId);
    await expect(createIssueOnce(ctx, record, new RunTally())).rejects.toThrow(/injected/);
    // Right away, the issue is not yet searchable: only waiting for the index keeps the retry from a second create.
    const started = Date.now();
    const link = await createIssueOnce(ctx, record, new RunTally());
    expect(Date.now() - started).toBeGreaterThanOrEqual(LAG_MS - 500);
    expect(await issuesWithLinkKey(record.id)).toEqual([link!.jiraIssueId]);
    const intent = await s.t.db.prisma.writeIntent.findUnique({ where: { sciId_kind_sourceId: { sciId: sci.id, kind: 'JIRA_ISSUE', sourceId: record.id } } });
    expect(intent).toMatchObject({ createdId: link!.jiraIssueId, attempts: 2 });
  });
});

describe('IMPORT backfill (bulk JIRA_ISSUE creates) redone within the search-index lag', () => {
  it.each(['RecordLink.createMany', 'WriteIntent.update(createdId)'] as const)('a chunk whose bookkeeping failed (%s) is redone: one issue per record', async (lost) => {
    // A SCI created "later" than the records: they are backfill's to import.
    const importSci = await s.t.db.prisma.smartConnectedItem.create({
      data: { ...sciRow(), name: `import-${randomUUID().slice(0, 6)}`, syncMode: 'ONE_WAY', createdAt: new Date(Date.now() + 3_600_000) },
    });
    const importCtx = new SciContext(ctx.deps, importSci, definitionOf(importSci), new MetadataCache());
    const records = await Promise.all([1, 2, 3].map((i) => newDeal(`Import ${i} ${randomUUID().slice(0, 6)}`)));
    if (lost === 'RecordLink.createMany') failOnce('RecordLink', 'createMany');
    else failOnce('WriteIntent', 'update', storesCreatedId); // the ids of the bulk create are never stored
    await expect(importRecords(importCtx, records, new PageTally(), async () => undefined)).rejects.toThrow(/injected/);
    const tally = new PageTally();
    await importRecords(importCtx, records, tally, async () => undefined);
    expect(tally.created).toBe(0);
    expect(tally.linked).toBe(3);
    await new Promise((r) => setTimeout(r, LAG_MS + 200));
    for (const r of records) {
      const page = await s.jira.issues.search({
        jql: jqlAnd(jqlEq('project', '10000'), jqlEq(jqlIssueProperty(LINK_PROPERTY, 'key'), linkKey(importSci.id, r.id))),
        fields: ['summary'],
      });
      expect(page.issues).toHaveLength(1);
    }
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: importSci.id } })).toBe(3);
  });
});

describe('a create the vendor refused', () => {
  it('leaves no intent behind: the next attempt creates at once, without waiting out the index', async () => {
    const record = await newDeal(`Refused once ${randomUUID().slice(0, 8)}`);
    s.t.jira.addFault({ method: 'POST', path: '^/rest/api/3/issue$', status: 400, body: { errorMessages: [], errors: { summary: 'refused (injected)' } } });
    await expect(createIssueOnce(ctx, record, new RunTally())).rejects.toThrow();
    expect(await s.t.db.prisma.writeIntent.count({ where: { sciId: sci.id, sourceId: record.id } })).toBe(0);
    const started = Date.now();
    const link = await createIssueOnce(ctx, record, new RunTally());
    expect(Date.now() - started).toBeLessThan(BUDGET_MS);
    expect(await issuesWithLinkKey(record.id)).toEqual([link!.jiraIssueId]);
  });
});

describe('Jira → Zoho retried after Zoho accepted the write', () => {
  for (const lost of ['MirroredItem', 'createdId'] as const) {
    it(`a comment becomes one note (lost: ${lost})`, async () => {
      const { link, dealId, issueKey } = await linkedPair();
      const comment = await s.jira.comments.add(issueKey, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Call the customer' }] }] });
      if (lost === 'MirroredItem') failOnce('MirroredItem', 'create');
      else failOnce('WriteIntent', 'update', storesCreatedId);
      await expect(mirrorJiraComment(ctx, link, comment.id, new RunTally())).rejects.toThrow(/injected/);
      expect(await mirrorJiraComment(ctx, link, comment.id, new RunTally())).toBe(true);
      const { notes } = await s.zoho.notes.listForRecord('Deals', dealId);
      expect(notes.filter((n) => n.Note_Title?.endsWith(`(${issueKey}#${comment.id})`))).toHaveLength(1);
      expect(await s.t.db.prisma.mirroredItem.count({ where: { sciId: sci.id, jiraId: comment.id } })).toBe(1);
    });

    it(`an attachment becomes one Zoho attachment (lost: ${lost})`, async () => {
      const { link, dealId, issueKey } = await linkedPair();
      const [file] = await s.jira.attachments.upload(issueKey, { filename: 'quote.txt', contentType: 'text/plain', data: [Buffer.from('price: 100\n'.repeat(50))] });
      if (lost === 'MirroredItem') failOnce('MirroredItem', 'create');
      else failOnce('WriteIntent', 'update', storesCreatedId);
      await expect(mirrorJiraAttachment(ctx, link, file!.id, new RunTally())).rejects.toThrow(/injected/);
      expect(await mirrorJiraAttachment(ctx, link, file!.id, new RunTally())).toBe(true);
      const { attachments } = await s.zoho.attachments.list('Deals', dealId);
      expect(attachments.filter((a) => a.File_Name === 'quote.txt')).toHaveLength(1);
    });
  }
});

describe('Zoho → Jira note retried after Jira accepted the comment', () => {
  it('finds its comment beyond the first page of comments, one comment', async () => {
    const { link, dealId, issueKey } = await linkedPair();
    // More than one page (the connector reads 100 at a time): its own comment lands on the second page.
    for (let i = 0; i < 105; i++) await s.jira.comments.add(issueKey, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: `chatter ${i}` }] }] });
    const [note] = await s.zoho.notes.create([{ module: 'Deals', recordId: dealId, title: 'Budget', content: 'Approved in Q3' }]);
    expect(note?.ok).toBe(true);
    failOnce('WriteIntent', 'update', storesCreatedId);
    await expect(mirrorZohoNotes(ctx, dealId, link)).rejects.toThrow(/injected/);
    expect(await mirrorZohoNotes(ctx, dealId, link)).toBe(false); // found, not written again
    const page = await s.jira.comments.list(issueKey, { expand: ['properties'], maxResults: 1000 });
    expect(page.total).toBe(106);
    const ours = page.comments.filter((c) => (c.properties ?? []).some((p) => p.key === MIRROR_PROPERTY));
    expect(ours).toHaveLength(1);
    expect(await s.t.db.prisma.mirroredItem.findFirst({ where: { sciId: sci.id, zohoId: note!.ok ? note!.id : '' } })).toMatchObject({ jiraId: ours[0]!.id });
  }, 60_000);
});

describe('inside an activity', () => {
  it('an attachment transfer heartbeats bytes so far, and the create reports its id', async () => {
    const { link, issueKey } = await linkedPair();
    const [file] = await s.jira.attachments.upload(issueKey, { filename: 'big.bin', data: [Buffer.alloc(48 * 1024, 7)] });
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    expect(await env.run(() => mirrorJiraAttachment(ctx, link, file!.id, new RunTally()))).toBe(true);
    expect(beats).toContainEqual({ attachment: file!.id, bytes: expect.any(Number) as number });
    expect(beats).toContainEqual({ intent: 'ZOHO_ATTACHMENT', sourceId: file!.id, createdId: expect.any(String) as string });
  });

  it('an attempt cancelled before its create makes no vendor write', async () => {
    const { link, dealId, issueKey } = await linkedPair();
    const comment = await s.jira.comments.add(issueKey, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Too late' }] }] });
    const env = new MockActivityEnvironment();
    // Temporal gives up on the attempt after it recorded its intent, just before the create.
    injected.push({ model: 'WriteIntent', operation: 'create', before: () => env.cancel() });
    await expect(env.run(() => mirrorJiraComment(ctx, link, comment.id, new RunTally()))).rejects.toThrow();
    expect(injected).toEqual([]);
    const { notes } = await s.zoho.notes.listForRecord('Deals', dealId);
    expect(notes).toHaveLength(0);
  });
});
