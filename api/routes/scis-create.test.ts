// Metadata pickers and SCI create/update/delete validated against live metadata: the Zoho simulator (demo
// org "Zylker", connected with App OAuth 2.0 through a real grant-code exchange) and the Jira simulator
// (project DEMO = 10000 with Task 10001 / Bug 10002; statuses To Do 10000, In Progress 3, Done 10001).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFrom } from '../../lib/tenant-clients';
import type { Tenant } from '../../prisma/generated/client';
import { sciWorkflowId } from '../../workflows/ids';
import { ApiError } from '../services/api-errors';
import { SciWorkflows } from '../services/sci-workflows';
import { sciBodySchema } from '../../contracts/scis';
import { createSci, deleteSci, updateSci } from '../services/sci-writes';
import type { TestApp } from '../test/helper';
import { eventually, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  await suite.connectZoho(main);
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, site = 'main') {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ site, accountId: 'admin-1' }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function workflowStatus(tenantId: string, sciId: string): Promise<string | undefined> {
  try {
    return (await t.temporal.client.workflow.getHandle(sciWorkflowId(tenantId, sciId)).describe()).status.name;
  } catch {
    return undefined;
  }
}

const validBody = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  syncMode: 'ONE_WAY',
  jiraProjectId: 'DEMO',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  fieldMappings: [
    { zohoField: 'Deal_Name', jiraField: 'summary' },
    { zohoField: 'Closing_Date', jiraField: 'duedate' },
  ],
  options: {
    autoCreate: true,
    statusSync: { zohoField: 'Stage', valueMap: [{ zohoValue: 'Closed Won', jiraStatusId: '10001' }, { zohoValue: 'Qualification', jiraStatusId: '10000' }] },
  },
  ...over,
});

describe('metadata pickers', () => {
  it('lists Zoho modules with polling-ready marked, and a module\'s fields with types and picklists', async () => {
    const modules = await call('GET', '/metadata/zoho/modules');
    expect(modules.statusCode).toBe(200);
    const list = modules.json<{ modules: { apiName: string; pollingReady: boolean }[] }>().modules;
    expect(list.find((m) => m.apiName === 'Deals')).toMatchObject({ pollingReady: true });
    expect(list.every((m) => typeof m.pollingReady === 'boolean')).toBe(true);

    const fields = await call('GET', '/metadata/zoho/modules/Deals/fields');
    expect(fields.statusCode).toBe(200);
    const stage = fields.json<{ fields: { apiName: string; dataType: string; mandatory: boolean; pickListValues: { actualValue: string }[] }[] }>().fields.find((f) => f.apiName === 'Stage')!;
    expect(stage.dataType).toBe('picklist');
    expect(stage.pickListValues.map((v) => v.actualValue)).toContain('Closed Won');

    expect((await call('GET', '/metadata/zoho/modules/No_Such_Module/fields')).statusCode).toBe(404);
    expect((await call('GET', '/metadata/zoho/modules/..%2Fx/fields')).statusCode).toBe(400);
  });

  it('lists Jira projects, issue types, statuses and fields', async () => {
    const projects = (await call('GET', '/metadata/jira/projects')).json<{ projects: { key: string }[] }>().projects;
    expect(projects.map((p) => p.key)).toEqual(expect.arrayContaining(['DEMO', 'SUP']));
    const types = (await call('GET', '/metadata/jira/projects/DEMO/issue-types')).json<{ issueTypes: { id: string }[] }>().issueTypes;
    expect(types.map((x) => x.id).sort()).toEqual(['10001', '10002', '10003']);
    const statuses = await call('GET', '/metadata/jira/projects/SUP/statuses?issueTypeId=10001');
    expect(statuses.json<{ statuses: { name: string }[] }>().statuses.map((s) => s.name)).toEqual(expect.arrayContaining(['To Do', 'Waiting for customer', 'Done']));
    const fields = (await call('GET', '/metadata/jira/fields')).json<{ fields: { id: string; syncable: boolean }[] }>().fields;
    expect(fields.find((f) => f.id === 'summary')?.syncable).toBe(true);
    expect(fields.find((f) => f.id === 'created')?.syncable).toBe(false);
    expect((await call('GET', '/metadata/jira/projects/NOPE/issue-types')).statusCode).toBe(404);
    expect((await call('GET', '/metadata/jira/projects/DEMO/statuses?issueTypeId=424242')).statusCode).toBe(404);
  });

  it('answers 409 with the reason when the site has no Zoho connection', async () => {
    const res = await call('GET', '/metadata/zoho/modules', undefined, 'unconnected');
    expect(res.statusCode).toBe(409);
    const body = res.json<{ code: string; message: string }>();
    expect(body.code).toBe('ZOHO_AUTH_REQUIRED');
    expect(body.message).toMatch(/^Zoho CRM authentication required/);
  });
});

describe('create', () => {
  it('saves a valid item (project key resolved to its id) and starts its workflow in the same request', async () => {
    const res = await call('POST', '/scis', validBody('Create: deals'));
    expect(res.statusCode, res.body).toBe(201);
    const sci = res.json<{ id: string; jiraProjectId: string; jiraProjectKey: string; automated: boolean; enabledOptions: string[]; workflowId: string }>();
    expect(sci).toMatchObject({ jiraProjectId: '10000', jiraProjectKey: 'DEMO', automated: true, enabledOptions: ['autoCreate', 'statusSync'] });
    expect(sci.workflowId).toBe(sciWorkflowId(main.id, sci.id));
    const d = await t.temporal.client.workflow.getHandle(sci.workflowId).describe();
    expect(d.status.name).toBe('RUNNING');
    expect(d.taskQueue).toBe(t.temporal.taskQueue);
    await eventually(() => suite.sync.pollsOf(sci.id).length, (n) => n >= 1);

    const dup = await call('POST', '/scis', validBody('Create: deals'));
    expect(dup.statusCode).toBe(409);
  });

  it('saves a Display item without a workflow', async () => {
    const res = await call('POST', '/scis', validBody('Create: display', { syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name', 'Stage', 'Amount'], options: {} }));
    expect(res.statusCode, res.body).toBe(201);
    const sci = res.json<{ id: string; automated: boolean; workflowId: string | null }>();
    expect(sci).toMatchObject({ automated: false, workflowId: null });
    expect(await workflowStatus(main.id, sci.id)).toBeUndefined();
  });

  it('refuses invalid configuration with 422 naming every field, and saves nothing', async () => {
    const before = await t.db.prisma.smartConnectedItem.count();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ zohoModule: 'Nope' }, ['zohoModule']],
      [{ jiraProjectId: 'NOPE' }, ['jiraProjectId']],
      [{ jiraIssueTypeId: '10003', jiraProjectId: 'SUP', options: {} }, ['jiraIssueTypeId']],
      [
        {
          fieldMappings: [
            { zohoField: 'No_Such_Field', jiraField: 'summary' },
            { zohoField: 'Amount', jiraField: 'duedate' },
            { zohoField: 'Deal_Name', jiraField: 'customfield_424242' },
          ],
          options: {},
        },
        ['fieldMappings.0.zohoField', 'fieldMappings.1', 'fieldMappings.2.jiraField'],
      ],
      [
        { options: { statusSync: { zohoField: 'Deal_Name', valueMap: [{ zohoValue: 'x', jiraStatusId: '999' }] } } },
        ['options.statusSync.zohoField', 'options.statusSync.valueMap.0.jiraStatusId'],
      ],
      [
        { options: { statusSync: { zohoField: 'Stage', valueMap: [{ zohoValue: 'Not a stage', jiraStatusId: '10001' }] } } },
        ['options.statusSync.valueMap.0.zohoValue'],
      ],
    ];
    for (const [over, paths] of cases) {
      const res = await call('POST', '/scis', validBody(`Invalid ${paths.join(',')}`, over));
      expect(res.statusCode, `${JSON.stringify(over)} → ${res.body}`).toBe(422);
      const body = res.json<{ code: string; problems: { path: string; message: string }[]; message: string }>();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.problems.map((p) => p.path)).toEqual(paths);
      expect(body.message).toContain(paths[0]!);
    }
    expect(await t.db.prisma.smartConnectedItem.count()).toBe(before);

    // Shape errors are 400 from the one schema, before any vendor call.
    for (const bad of [{}, { ...validBody('x'), syncMode: 'THREE_WAY' }, { ...validBody('x'), fieldMappings: 'all' }, { ...validBody(''), name: '' }, validBody('NUL\u0000name')]) {
      expect((await call('POST', '/scis', bad)).statusCode).toBe(400);
    }
    const text = await app.inject({ method: 'POST', url: '/api/v1/scis', headers: { ...(await t.headers()), 'content-type': 'application/xml' }, payload: '<sci/>' });
    expect(text.statusCode).toBe(415);
    expect(await t.db.prisma.smartConnectedItem.count()).toBe(before);
  });

  it('dry-run validation answers the same problems without saving', async () => {
    const res = await call('POST', '/scis/validate', validBody('Dry run', { zohoModule: 'Nope' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ valid: false, problems: [{ path: 'zohoModule' }] });
    expect((await call('POST', '/scis/validate', validBody('Dry run'))).json()).toEqual({ valid: true, problems: [] });
  });

  it('rolls the row back when Temporal cannot be reached (nothing saved, 503)', async () => {
    // Temporal answering UNAVAILABLE to every call (a real unreachable frontend takes the client's full
    // retry budget, tens of seconds, to give up; the API's handling of the failure is the same).
    class UnreachableWorkflows extends SciWorkflows {
      override ensureRunning(): Promise<void> {
        return Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED'));
      }
      override stop(): Promise<void> {
        return Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED'));
      }
    }
    const unreachable = new UnreachableWorkflows(t.temporal.client, { taskQueue: 'none', namespace: 'default', pollIntervalMs: 60_000 });
    const deps = { ...t.deps, workflows: unreachable };
    const body = sciBodySchema.parse(validBody('Create: no temporal'));
    const err = await createSci(deps, main.id, body, { projectId: '10000', projectKey: 'DEMO' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).statusCode).toBe(503);
    expect((err as ApiError).code).toBe('TEMPORAL_UNAVAILABLE');
    expect(await t.db.prisma.smartConnectedItem.count({ where: { name: 'Create: no temporal' } })).toBe(0);

    // Update and delete are undone or refused the same way.
    const created = (await call('POST', '/scis', validBody('Update: no temporal'))).json<{ id: string }>();
    const prev = await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: created.id } });
    const changed = sciBodySchema.parse(validBody('Update: no temporal, renamed', { fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }] }));
    const updateErr = await updateSci(deps, prev, changed, { projectId: '10000', projectKey: 'DEMO' }).catch((e: unknown) => e);
    expect((updateErr as ApiError).statusCode).toBe(503);
    const after = await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: created.id } });
    expect({ ...after, updatedAt: null }).toEqual({ ...prev, updatedAt: null });
    const deleteErr = await deleteSci(deps, prev).catch((e: unknown) => e);
    expect((deleteErr as ApiError).statusCode).toBe(503);
    expect(await t.db.prisma.smartConnectedItem.count({ where: { id: created.id } })).toBe(1);
    expect(await workflowStatus(main.id, created.id)).toBe('RUNNING');
  });
});

describe('update and delete', () => {
  it('disabling stops the workflow, enabling starts it, other changes keep it running', async () => {
    const created = (await call('POST', '/scis', validBody('Update: deals'))).json<{ id: string }>();
    expect(await workflowStatus(main.id, created.id)).toBe('RUNNING');

    const off = await call('PUT', `/scis/${created.id}`, validBody('Update: deals', { enabled: false }));
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false, automated: false });
    expect(await workflowStatus(main.id, created.id)).toBe('TERMINATED');

    const on = await call('PUT', `/scis/${created.id}`, validBody('Update: deals renamed', { options: { notesSync: true } }));
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ name: 'Update: deals renamed', enabledOptions: ['notesSync'], automated: true });
    expect(await workflowStatus(main.id, created.id)).toBe('RUNNING');

    const invalid = await call('PUT', `/scis/${created.id}`, validBody('Update: deals renamed', { zohoModule: 'Nope' }));
    expect(invalid.statusCode).toBe(422);
    expect((await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: created.id } })).zohoModule).toBe('Deals');
  });

  it('keeps module and scope fixed once records are linked (409)', async () => {
    const created = (await call('POST', '/scis', validBody('Update: linked'))).json<{ id: string }>();
    await t.db.prisma.recordLink.create({
      data: { tenantId: main.id, sciId: created.id, jiraIssueId: '10001', jiraIssueKey: 'DEMO-1', zohoModule: 'Deals', zohoRecordId: '1' },
    });
    const res = await call('PUT', `/scis/${created.id}`, validBody('Update: linked', { zohoModule: 'Leads', fieldMappings: [{ zohoField: 'Last_Name', jiraField: 'summary' }], options: {} }));
    expect(res.statusCode).toBe(409);
    expect(res.json<{ message: string }>().message).toMatch(/1 linked record/);
  });

  it("another tenant's PUT is a 404 and changes nothing", async () => {
    const created = (await call('POST', '/scis', validBody('Update: isolated'))).json<{ id: string }>();
    const res = await call('PUT', `/scis/${created.id}`, validBody('Hijacked'), 'intruder');
    expect(res.statusCode).toBe(404);
    expect((await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: created.id } })).name).toBe('Update: isolated');
  });
});

// Last: these break the site's Zoho connection on purpose.
describe('vendor failures', () => {
  it('Zoho rate limiting is a 503 with Retry-After and code, never a 500, and nothing is saved', async () => {
    const before = await t.db.prisma.smartConnectedItem.count();
    suite.zoho!.setFaults({ rateLimitStorm: { durationMs: 60_000, retryAfterSeconds: 7 } });
    try {
      const meta = await call('GET', '/metadata/zoho/modules');
      expect(meta.statusCode).toBe(503);
      expect(meta.headers['retry-after']).toBe('7');
      expect(meta.json()).toMatchObject({ code: 'RATE_LIMITED' });
      const create = await call('POST', '/scis', validBody('Rate limited'));
      expect(create.statusCode).toBe(503);
    } finally {
      suite.zoho!.setFaults({});
    }
    expect(await t.db.prisma.smartConnectedItem.count()).toBe(before);
  });

  it('a revoked grant marks the connection "re-authentication required" and the panel shows that state', async () => {
    const display = (await call('POST', '/scis', validBody('Revoked display', { syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name'], options: {} }))).json<{ id: string }>();
    const deals = await (await t.deps.clients.zoho(main.id)).records.list('Deals', { fields: ['Deal_Name'], perPage: 1 });
    const linked = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deals.records[0]!.id });
    expect(linked.statusCode, linked.body).toBe(201);

    const row = await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: main.id } });
    const refreshToken = openFrom(t.deps.cipher, main.id, 'zoho.refreshToken', row.refreshTokenCiphertext)!;
    expect(suite.zoho!.sim.accounts.revokeRefresh(refreshToken)).toBe(true);

    const panel = await call('GET', '/panel/issues/DEMO-1');
    expect(panel.statusCode).toBe(200);
    const body = panel.json<{ state: string; message: string; links: { recordFound: boolean | null }[] }>();
    expect(body.state).toBe('reauth_required');
    expect(body.message).toMatch(/re-authentication required/);
    expect(body.links.every((l) => l.recordFound === null)).toBe(true);
    expect((await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: main.id } })).state).toBe('REAUTH_REQUIRED');

    const meta = await call('GET', '/metadata/zoho/modules');
    expect(meta.statusCode).toBe(409);
    expect(meta.json()).toMatchObject({ code: 'ZOHO_REAUTH_REQUIRED' });
    // Nothing in any answer carries a token.
    for (const res of [panel, meta]) expect(res.body).not.toContain(refreshToken);
  });
});
