// Jira event intake end to end: the Jira simulator plays Forge (FIT-signed deliveries with the system token
// to the listening API), the API signals the SCI workflow on the Temporal dev server, and a worker with a
// recording SciSync shows what reached the workflow. Plus the edge cases through inject().
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type SciSync } from '../../activities';
import type { ApplyEventsInput, PollInput } from '../../activities/types';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import { DEFAULT_BASIC_AUTH } from '../../sandbox/jira';
import { statusQuery } from '../../workflows/messages';
import { createSciWorker } from '../../worker/create-worker';
import { createTestApp, type TestApp } from './helper';

class RecordingSync implements SciSync {
  applied: ApplyEventsInput[] = [];
  pollZohoChanges(input: PollInput) {
    return Promise.resolve({ cursor: input.cursor ?? 'c0', recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] });
  }
  applyPendingEvents(input: ApplyEventsInput) {
    this.applied.push(input);
    return Promise.resolve({ recordsSeen: input.events.length, changed: 0, created: 0, skipped: 0, errors: [] });
  }
  eventsOf(sciId: string) {
    return this.applied.filter((a) => a.sciId === sciId).flatMap((a) => a.events);
  }
}

let t: TestApp;
let worker: Worker;
let running: Promise<void>;
let apiUrl: string;
let tenant: Tenant;
let sci: SmartConnectedItem;
const sync = new RecordingSync();

beforeAll(async () => {
  t = await createTestApp({ jira: { forge: { retryDelayMs: 200, maxAttempts: 2 } } });
  worker = await createSciWorker({ connection: t.temporal.nativeConnection, dataConverter: t.temporal.dataConverter, namespace: 'default', taskQueue: t.temporal.taskQueue, activities: createActivities({ sync }) });
  running = worker.run();
  apiUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  t.jira.setEventUrl(`${apiUrl}/api/v1/events/jira`);
  tenant = await t.tenant();
  sci = await t.db.prisma.smartConnectedItem.create({
    data: { tenantId: tenant.id, name: 'DEMO tasks', syncMode: 'TWO_WAY', jiraProjectId: '10000', jiraProjectKey: 'DEMO', jiraIssueTypeId: '10001', zohoModule: 'Deals' },
  });
}, 90_000);

afterAll(async () => {
  await t?.deps.workflows.stop(sci, 'test done').catch(() => undefined);
  worker?.shutdown();
  await running;
  await t?.close();
});

async function eventually<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function jiraRest(method: string, path: string, body: unknown) {
  const res = await fetch(`${t.jira.url}/rest/api/3${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${DEFAULT_BASIC_AUTH.email}:${DEFAULT_BASIC_AUTH.apiToken}`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as { id: string; key: string };
}

async function deliver(payload: unknown, headers?: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/events/jira',
    headers: headers ?? (await t.headers()),
    payload: { payload, context: { cloudId: t.jira.cloudId, moduleKey: 'sci-jira-events' } },
  });
}

const issueOf = (id: string, projectId = '10000', typeId = '10001') => ({
  id,
  key: `DEMO-${id}`,
  fields: { summary: 's', issueType: { id: typeId, name: 'Task' }, project: { id: projectId, key: 'DEMO' }, updated: '2026-11-28T10:00:00.000+0000' },
});

describe('Jira event intake', () => {
  it('delivers a real Forge event from the simulator to the SCI workflow (created issue, then a comment)', async () => {
    const issue = await jiraRest('POST', '/issue', { fields: { project: { key: 'DEMO' }, issuetype: { id: '10001' }, summary: 'Created in Jira' } });
    await t.jira.idle();
    const record = t.jira.deliveries.find((d) => d.subject === issue.key && d.eventType === 'avi:jira:created:issue');
    expect(record?.state).toBe('delivered');
    expect(record?.attempts).toHaveLength(1);

    const events = await eventually(() => sync.eventsOf(sci.id), (e) => e.some((x) => x.source === 'jira' && x.event.issueId === issue.id));
    const created = events.find((x) => x.source === 'jira' && x.event.issueId === issue.id)!;
    expect(created.event).toMatchObject({ kind: 'issue_created', issueKey: issue.key });
    expect(created.source === 'jira' && typeof created.event.actorAccountId).toBe('string');

    await jiraRest('POST', `/issue/${issue.key}/comment`, { body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hello' }] }] } });
    await t.jira.idle();
    await eventually(() => sync.eventsOf(sci.id), (e) => e.some((x) => x.source === 'jira' && x.event.kind === 'comment_created' && x.event.issueId === issue.id));

    // The delivery also kept the tenant's Jira app token fresh.
    const row = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(row.forgeSystemTokenCiphertext).not.toBeNull();

    const status = await t.temporal.client.workflow.getHandle(t.deps.workflows.workflowId(sci)).query(statusQuery);
    expect(status.sciId).toBe(sci.id);
  });

  it('signals once for a redelivered event (Forge retry with retryContext)', async () => {
    const payload = { eventType: 'avi:jira:updated:issue', selfGenerated: false, atlassianId: 'user-1', issue: issueOf('90001'), changelog: { id: '555', items: [{ field: 'summary', fieldtype: 'jira', fieldId: 'summary', from: null, fromString: 'a', to: null, toString: 'b' }] } };
    const first = await deliver(payload);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ accepted: true, duplicate: false, queued: 1 });
    const again = await deliver({ ...payload, retryContext: { retryCount: 1, retryReason: 'TIMEOUT_ERROR', retryData: null } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: true, duplicate: true, queued: 0 });

    const events = await eventually(() => sync.eventsOf(sci.id), (e) => e.some((x) => x.source === 'jira' && x.event.issueId === '90001'));
    // Give a second signal (if one had been sent) the chance to land before counting.
    await eventually(
      () => t.temporal.client.workflow.getHandle(t.deps.workflows.workflowId(sci)).query(statusQuery),
      (s) => s.pendingEvents === 0,
    );
    expect(sync.eventsOf(sci.id).filter((x) => x.source === 'jira' && x.event.issueId === '90001')).toHaveLength(1);
    expect(events.find((x) => x.source === 'jira' && x.event.issueId === '90001')!.event).toMatchObject({ kind: 'issue_updated', changedFields: ['summary'], actorAccountId: 'user-1' });
    expect(await t.db.prisma.processedEvent.count({ where: { tenantId: tenant.id, eventKey: 'avi:jira:updated:issue:90001:555' } })).toBe(1);
  });

  it('answers 200 without signalling for events no SCI covers, self-generated ones and event types it ignores', async () => {
    const outside = await deliver({ eventType: 'avi:jira:created:issue', selfGenerated: false, issue: issueOf('90002', '10001') });
    expect(outside.json()).toMatchObject({ accepted: false, queued: 0 });
    expect(outside.json<{ reason: string }>().reason).toMatch(/No enabled Smart Connected Item/);
    const otherType = await deliver({ eventType: 'avi:jira:created:issue', selfGenerated: false, issue: issueOf('90003', '10000', '10002') });
    expect(otherType.json()).toMatchObject({ accepted: false });
    const self = await deliver({ eventType: 'avi:jira:created:issue', selfGenerated: true, issue: issueOf('90004') });
    expect(self.json()).toMatchObject({ accepted: false, reason: 'Caused by the connector itself.' });
    const ignored = await deliver({ eventType: 'avi:jira:viewed:issue', issue: issueOf('90005') });
    expect(ignored.statusCode).toBe(200);
    expect(ignored.json()).toMatchObject({ accepted: false });
    // Another tenant's identical event does not reach this tenant's SCI.
    const foreign = await deliver({ eventType: 'avi:jira:created:issue', selfGenerated: false, issue: issueOf('90006') }, await t.headers({ site: 'foreign' }));
    expect(foreign.json()).toMatchObject({ accepted: false, queued: 0 });
  });

  it('routes attachment events through the issue\'s existing links', async () => {
    await t.db.prisma.recordLink.create({ data: { tenantId: tenant.id, sciId: sci.id, jiraIssueId: '90010', jiraIssueKey: 'DEMO-90010', zohoModule: 'Deals', zohoRecordId: '42' } });
    const res = await deliver({ eventType: 'avi:jira:created:attachment', selfGenerated: false, attachment: { id: '7001', issueId: '90010', filename: 'a.txt', mimeType: 'text/plain', size: 3, created: '2026-11-28T10:00:00.000+0000' } });
    expect(res.json()).toMatchObject({ accepted: true, queued: 1 });
    await eventually(() => sync.eventsOf(sci.id), (e) => e.some((x) => x.source === 'jira' && x.event.kind === 'attachment_created' && x.event.attachmentId === '7001'));
    const unlinked = await deliver({ eventType: 'avi:jira:created:attachment', attachment: { id: '7002', issueId: '99999', filename: 'b', mimeType: 'x', size: 1, created: 'x' } });
    expect(unlinked.json()).toMatchObject({ accepted: false });
  });

  it('refuses malformed deliveries with 400 and unauthenticated ones with 401', async () => {
    expect((await deliver({ eventType: 'avi:jira:created:issue', issue: { key: 'no-id' } })).statusCode).toBe(400);
    expect((await deliver(undefined)).statusCode).toBe(400);
    const bare = await t.app.inject({ method: 'POST', url: '/api/v1/events/jira', payload: { payload: { eventType: 'avi:jira:created:issue', issue: issueOf('1') } } });
    expect(bare.statusCode).toBe(401);
  });
});
