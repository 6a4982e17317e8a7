// Bulk create (POST /rest/api/3/issue/bulk) over real HTTP against the Jira simulator: issues made in request
// order with their entity properties, failed elements reported by index, and a 400 when every element fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator } from '../../sandbox/jira/index';
import { BULK_CREATE_MAX, createJiraClient, JiraError, type CreateIssueInput, type JiraClient } from './index';

let sim: JiraSimulator;
let jira: JiraClient;

beforeAll(async () => {
  sim = await startJiraSimulator({});
  jira = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: () => sim.systemToken } });
});
afterAll(async () => {
  await sim.close();
});

const issue = (summary: string, extra: Partial<CreateIssueInput> = {}): CreateIssueInput => ({
  project: { key: 'DEMO' },
  issueType: { name: 'Task' },
  summary,
  ...extra,
});

describe('bulk create', () => {
  it('creates up to 50 issues in order, with their properties, in one call', async () => {
    const inputs = Array.from({ length: BULK_CREATE_MAX }, (_, i) =>
      issue(`Bulk ${i}`, { properties: [{ key: 'zohoCrmLink', value: { key: `bulk-sci:${i}` } }] }),
    );
    const res = await jira.issues.createMany(inputs);
    expect(res.errors).toEqual([]);
    expect(res.issues).toHaveLength(BULK_CREATE_MAX);
    const third = await jira.issues.get(res.issues[2]!.id, { fields: ['summary'], properties: ['zohoCrmLink'] });
    expect(third.fields?.summary).toBe('Bulk 2');
    const hit = await jira.issues.search({ jql: 'project = DEMO AND issue.property[zohoCrmLink].key in ("bulk-sci:7", "bulk-sci:9")', fields: ['summary'] });
    expect(hit.issues.map((i) => i.id).sort()).toEqual([res.issues[7]!.id, res.issues[9]!.id].sort());
  });

  it('reports a failed element by its index and still creates the others', async () => {
    const res = await jira.issues.createMany([issue('Fine one'), issue('Bad\nsummary'), issue('Fine two')]);
    expect(res.issues).toHaveLength(2);
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]!.failedElementNumber).toBe(1);
    expect(res.errors[0]!.elementErrors?.errors?.summary).toMatch(/newline/);
  });

  it('answers 400 when every element fails, and refuses more than 50 before calling', async () => {
    const err = await jira.issues.createMany([issue('')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraError);
    expect((err as JiraError).status).toBe(400);
    await expect(jira.issues.createMany(Array.from({ length: BULK_CREATE_MAX + 1 }, (_, i) => issue(`x${i}`)))).rejects.toThrow(RangeError);
  });
});
