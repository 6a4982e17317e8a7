// Backfill under a worker crash (F34, R1): the worker process is killed (SIGKILL) halfway through an IMPORT of
// a few thousand records, right after Jira answered a bulk create and before the links could be stored. A new
// worker process resumes from the checkpoint; at the end every record has exactly one issue and one link.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEnv } from '../../test/faults/support';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import { backfillWorkflowId } from '../../workflows/backfill-messages';
import type { backfillWorkflow } from '../../workflows/backfill-workflow';
import { LINK_PROPERTY } from '../sync/auto-create';

const RECORDS = 3000;
/** 3,000 records are 60 bulk creates: the kill comes after the 30th. */
const KILL_AFTER_BULKS = 30;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let s: SyncStack;
let child: ChildProcess | undefined;
let bulks = 0;
let armed = false;
let killed: (() => void) | undefined;

function startWorkerProcess(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, 'worker', 'main.ts')], {
    cwd: root,
    env: workerEnv(s, { LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

beforeAll(async () => {
  s = await startSyncStack({
    inProcessWorker: false,
    app: {
      // A page whose worker died is retried elsewhere after 5 s.
      env: { SCI_HEARTBEAT_TIMEOUT: '5s' },
      jira: {
        onExchange: (x) => {
          if (x.method !== 'POST' || !/\/rest\/api\/3\/issue\/bulk$/.test(x.url.split('?')[0]!) || x.status !== 201) return;
          bulks += 1;
          if (armed && bulks >= KILL_AFTER_BULKS) {
            armed = false;
            child?.kill('SIGKILL');
            killed?.();
          }
        },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await s?.close();
});

describe('worker killed halfway through a backfill', () => {
  it('ends with every record imported exactly once', async () => {
    const tag = randomUUID().slice(0, 6);
    const res = await fetch(`${s.t.zoho!.url}/__sandbox/records/Deals/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: RECORDS, values: { Deal_Name: `Crash import ${tag} {n}`, Stage: 'Qualification' } }),
    });
    expect(res.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1100)); // one-second Zoho times: the SCI comes strictly after
    const owned = await s.zoho.records.count('Deals');

    child = startWorkerProcess();
    const sci = await s.createSci(
      {
        name: `crash-backfill-${tag}`,
        syncMode: 'ONE_WAY',
        jiraProjectId: '10000',
        jiraIssueTypeId: '10001',
        zohoModule: 'Deals',
        fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
        options: { backfill: { mode: 'IMPORT' } },
      },
      { waitForFirstRun: false },
    );
    const dead = new Promise<void>((resolve) => (killed = resolve));
    armed = true;
    const workflowId = backfillWorkflowId(sci.tenantId, sci.id); // started by the create, with SCI_HEARTBEAT_TIMEOUT
    await dead;
    const halfway = await s.t.db.prisma.backfillRun.findUniqueOrThrow({ where: { sciId: sci.id } });
    expect(halfway.state).toBe('RUNNING');
    expect(halfway.done).toBeLessThan(owned);

    child = startWorkerProcess();
    const result = await s.t.temporal.client.workflow.getHandle<typeof backfillWorkflow>(workflowId).result();
    expect(result.phase).toBe('succeeded');
    expect(result.failed).toBe(0);

    // Exactly once, from both sides: one link per record, one issue per record, and they agree.
    const links = await s.t.db.prisma.recordLink.findMany({ where: { sciId: sci.id } });
    expect(links).toHaveLength(owned);
    expect(new Set(links.map((l) => l.zohoRecordId)).size).toBe(owned);
    const issues = new Map<string, string>();
    let count = 0;
    for await (const page of s.jira.issues.searchPages({
      jql: `project = DEMO AND issue.property[${LINK_PROPERTY}].sciId = "${sci.id}"`,
      properties: [LINK_PROPERTY],
      maxResults: 100,
    })) {
      for (const i of page.issues) {
        count += 1;
        issues.set(String((i.properties?.[LINK_PROPERTY] as { recordId?: string } | undefined)?.recordId), i.id);
      }
    }
    expect(count).toBe(owned);
    expect(issues.size).toBe(owned);
    for (const l of links) expect(issues.get(l.zohoRecordId)).toBe(l.jiraIssueId);
    // The chunk in flight at the kill was redone: its issues were found by their link property, not made again.
    // Records the killed page had already linked count as skipped when it was redone.
    expect(result.created + result.linked + result.skipped).toBe(owned);
    expect(result.done).toBe(owned);
    expect(result.linked).toBeGreaterThan(0);
  }, 300_000);
});
