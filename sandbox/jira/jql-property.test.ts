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

describe('JQL on search aliases of the app manifest (jira:entityProperty)', () => {
  it('finds issues by string, number and date aliases, compared by their index type', async () => {
    const won = await jira.issues.create({ project: { key: 'DEMO' }, issueType: { name: 'Task' }, summary: 'Won deal' });
    const lost = await jira.issues.create({ project: { key: 'DEMO' }, issueType: { name: 'Task' }, summary: 'Lost deal' });
    await jira.issues.setProperty(won.id, 'zohoCrmFields', { zohoDealStage: 'Closed Won', zohoAmount: 75000, zohoClosingDate: '2026-11-30', zohoText1: ['Web', 'Partner'] });
    await jira.issues.setProperty(lost.id, 'zohoCrmFields', { zohoDealStage: 'Closed Lost', zohoAmount: 9000 });
    const keys = async (jql: string) => (await jira.issues.search({ jql, fields: ['summary'] })).issues.map((i) => i.id).sort();

    expect(await keys('zohoDealStage = "Closed Won"')).toEqual([won.id]);
    expect(await keys('project = DEMO AND zohoAmount > 50000')).toEqual([won.id]);
    expect(await keys('zohoAmount = 9000.0')).toEqual([lost.id]);
    expect(await keys('zohoAmount >= 9000 AND zohoAmount < 80000')).toEqual([won.id, lost.id].sort());
    expect(await keys('zohoClosingDate < "2026-12-01"')).toEqual([won.id]);
    expect(await keys('zohoText1 = Partner')).toEqual([won.id]);
    expect(await keys('project = DEMO AND zohoClosingDate IS EMPTY AND zohoDealStage IN ("Closed Won", "Closed Lost")')).toEqual([lost.id]);
    // The long form reaches the same index.
    expect(await keys('issue.property[zohoCrmFields].zohoAmount > 50000')).toEqual([won.id]);
  });

  it('refuses what Jira refuses: unknown aliases, ~ on exact-value types, ordering on strings', async () => {
    await expect(jira.issues.search({ jql: 'zohoNoSuchField = 1' })).rejects.toMatchObject({ status: 400 });
    await expect(jira.issues.search({ jql: 'zohoDealStage ~ "Won"' })).rejects.toMatchObject({ status: 400 });
    await expect(jira.issues.search({ jql: 'zohoDealStage > "A"' })).rejects.toMatchObject({ status: 400 });
    await expect(jira.issues.search({ jql: 'zohoAmount > lots' })).rejects.toMatchObject({ status: 400 });
  });
});
