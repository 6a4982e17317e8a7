// P4 through the backfill itself (F34): N Leads exist before an SCI with `backfill: IMPORT` is created; the
// backfill workflow turns them into Jira issues (bulk create, 50 per call). Timed from startBackfill to the
// workflow's result; records counted from the links stored. Same result shape as measureBackfill.
import { randomBytes } from 'node:crypto';
import { startBackfill } from '../lib/backfill/start';
import type { backfillWorkflow } from '../workflows/backfill-workflow';
import { round, type BackfillResult } from './measures';
import type { BenchStack } from './stack';

export async function measureBackfillWorkflow(b: BenchStack, n: number, timeoutMs: number): Promise<BackfillResult & { workflow_rate: number }> {
  const tag = randomBytes(3).toString('hex');
  const res = await fetch(`${b.zoho.url}/__sandbox/records/Leads/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: n, values: { Last_Name: `Backfill lead {n} ${tag}` } }),
  });
  if (res.status !== 201) throw new Error(`bulk insert failed: ${res.status} ${await res.text()}`);
  // Zoho's times have one-second resolution: the SCI must come strictly after the records it imports.
  await new Promise((r) => setTimeout(r, 1100));
  const sci = await b.createSci({
    name: `bench-backfill-${tag}`,
    syncMode: 'ONE_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Leads',
    fieldMappings: [{ zohoField: 'Last_Name', jiraField: 'summary' }],
    options: { backfill: { mode: 'IMPORT' } },
  });
  const issuesBefore = b.jira.store.issueIdsInProject(sci.jiraProjectId).size;
  const started = performance.now();
  const { workflowId } = await startBackfill(b.temporal.client, sci, { taskQueue: b.config.TEMPORAL_TASK_QUEUE });
  const handle = b.temporal.client.workflow.getHandle<typeof backfillWorkflow>(workflowId);
  const result = await Promise.race([
    handle.result(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`backfill of ${n} records not done in ${timeoutMs} ms`)), timeoutMs).unref()),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const records = await b.db.prisma.recordLink.count({ where: { sciId: sci.id } });
  return {
    records,
    records_per_s: round(records / seconds, 1),
    seconds: round(seconds, 1),
    issues_created: b.jira.store.issueIdsInProject(sci.jiraProjectId).size - issuesBefore,
    workflow_rate: result.rate,
  };
}
