// P6 alone (`npm run bench:intake`): the event route under autocannon on the same stack as `npm run bench`,
// for quick turns while working on intake. Prints the figures; writes nothing to bench/results.
import { measureIntake, linkedPairs } from './measures';
import { startBenchStack } from './stack';

const started = Date.now();
const log = (line: string) => console.log(`[intake +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
const AMOUNT = Number(process.env.BENCH_INTAKE_EVENTS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_INTAKE_CONNECTIONS ?? 10);

async function main(): Promise<void> {
  const b = await startBenchStack(log);
  let exitCode = 0;
  try {
    const sci = await b.createSci({
      name: 'bench intake',
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10003',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'JIRA' }],
    });
    const [pair] = await linkedPairs(b, sci, 1, 'Intake pair');
    const issue = b.jira.store.issue(pair!.issueId)!;
    const api = await b.startApiProcess();
    const apiUrl = api.url;
    // Warm-up: connections, JIT, the workflow's first signal-with-start.
    await measureIntake(b, { id: issue.id, key: issue.key, projectId: '10000', issueTypeId: '10003' }, { amount: 200, connections: CONNECTIONS, maxSeconds: 10, apiUrl });
    log(`P6: ${AMOUNT} events, ${CONNECTIONS} connections (no worker running)`);
    const p6 = await measureIntake(b, { id: issue.id, key: issue.key, projectId: '10000', issueTypeId: '10003' }, { amount: AMOUNT, connections: CONNECTIONS, maxSeconds: 15, apiUrl });
    log(`  ${JSON.stringify(p6)}`);
    if (process.env.BENCH_INTAKE_COVERED_ONLY) return;
    const uncovered = await measureIntake(b, { id: '999999', key: 'SUP-999999', projectId: '10001', issueTypeId: '10002' }, { amount: AMOUNT, connections: CONNECTIONS, maxSeconds: 8, apiUrl });
    log(`  uncovered (no signal): ${JSON.stringify(uncovered)}`);
  } catch (err) {
    exitCode = 1;
    console.error(err);
  } finally {
    await b.close();
  }
  process.exit(exitCode);
}

void main();
