// Entity-property JQL (`issue.property[key].path = value`): how auto-create finds an issue it already made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraClient, type JiraClient } from '../../clients/jira';
import { startJiraSimulator, type JiraSimulator } from './index';

let sim: JiraSimulator;
let jira: JiraClient;

beforeAll(async () => {
  sim = await startJiraSimulator({});
  jira = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: () => sim.systemToken } });
});
afterAll(async () => {
  await sim.close();
});

describe('JQL on issue properties', () => {
  it('finds an issue by a property set at creation, and nothing for another value', async () => {
    const created = await jira.issues.create({
      project: { key: 'DEMO' },
      issueType: { name: 'Task' },
      summary: 'Linked to a Zoho deal',
      properties: [{ key: 'zohoCrmLink', value: { key: 'sci-1:5725767000000524157' } }],
    });
    const hit = await jira.issues.search({ jql: 'project = DEMO AND issue.property[zohoCrmLink].key = "sci-1:5725767000000524157"', fields: ['summary'] });
    expect(hit.issues.map((i) => i.id)).toEqual([created.id]);
    const miss = await jira.issues.search({ jql: 'project = DEMO AND issue.property[zohoCrmLink].key = "sci-1:other"', fields: ['summary'] });
    expect(miss.issues).toEqual([]);
  });
});
