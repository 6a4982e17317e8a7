import { describe, expect, it } from 'vitest';
import { userMapSchema, type UserMapInput } from '../../contracts/value-mapping';
import { byEmail, jiraAccountFor, zohoUserFor, type JiraPerson, type ZohoPerson } from './user-map';

const JIRA: JiraPerson[] = [
  { accountId: 'acc-aisha', displayName: 'Aisha Patel', emailAddress: 'Aisha.Patel@zylker.example' },
  { accountId: 'acc-marcus', displayName: 'Marcus Lee', emailAddress: 'marcus.lee@demo.example' },
];
const ZOHO: ZohoPerson[] = [
  { id: '101', name: 'Aisha Patel', email: 'aisha.patel@zylker.example' },
  { id: '102', name: 'Marcus Chen', email: 'marcus.chen@zylker.example' },
  { id: '103', name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example' },
];
const findJira = async (email: string) => byEmail(JIRA, email);
const findZoho = async (email: string) => byEmail(ZOHO, email);
const map = (input: UserMapInput = {}) => userMapSchema.parse(input);

describe('Zoho CRM user → Jira account', () => {
  it('matches the e-mail address, ignoring case', async () => {
    expect(await jiraAccountFor(ZOHO[0]!, map(), 'assignee', findJira)).toEqual({
      kind: 'user',
      id: 'acc-aisha',
      note: null,
    });
  });

  it('takes an override before the e-mail address', async () => {
    const m = map({ overrides: [{ jiraAccountId: 'acc-marcus', zohoUserId: '102' }] });
    expect(await jiraAccountFor(ZOHO[1]!, m, 'assignee', findJira)).toEqual({
      kind: 'user',
      id: 'acc-marcus',
      note: null,
    });
  });

  it('leaves an unmatched user unchanged by default and says who it was', async () => {
    const r = await jiraAccountFor(ZOHO[2]!, map(), 'assignee', findJira);
    expect(r.kind).toBe('leave');
    expect(r.note).toContain('Patricia Boyle (patricia.boyle@zylker.example)');
    expect(r.note).toContain('assignee left unchanged');
  });

  it('uses the default user or writes the name into a text field, noting it either way', async () => {
    const d = await jiraAccountFor(
      ZOHO[2]!,
      map({ fallback: 'DEFAULT_USER', defaultJiraAccountId: 'acc-marcus' }),
      'assignee',
      findJira,
    );
    expect(d).toMatchObject({ kind: 'user', id: 'acc-marcus' });
    expect(d.note).toContain('Patricia Boyle');
    const t = await jiraAccountFor(
      ZOHO[2]!,
      map({ fallback: 'NAME_AS_TEXT', nameJiraField: 'customfield_10036' }),
      'assignee',
      findJira,
    );
    expect(t).toMatchObject({ kind: 'text', field: 'customfield_10036', name: 'Patricia Boyle' });
  });

  it('falls back to leaving the field when the chosen fallback lacks its setting', async () => {
    expect((await jiraAccountFor(ZOHO[2]!, map({ fallback: 'DEFAULT_USER' }), 'assignee', findJira)).kind).toBe(
      'leave',
    );
  });
});

describe('Jira user → Zoho CRM user (2 Way)', () => {
  it('matches by e-mail, by override, and otherwise leaves the field with a note', async () => {
    expect(await zohoUserFor(JIRA[0]!, map(), 'Owner', findZoho)).toEqual({ kind: 'user', id: '101', note: null });
    expect(
      await zohoUserFor(
        JIRA[1]!,
        map({ overrides: [{ jiraAccountId: 'acc-marcus', zohoUserId: '102' }] }),
        'Owner',
        findZoho,
      ),
    ).toMatchObject({ id: '102' });
    const r = await zohoUserFor(JIRA[1]!, map(), 'Owner', findZoho);
    expect(r).toMatchObject({ kind: 'leave' });
    expect(r.note).toContain('Marcus Lee (marcus.lee@demo.example)');
  });

  it('does not look the e-mail up when the Jira user hides it', async () => {
    let asked = 0;
    const r = await zohoUserFor({ accountId: 'acc-x', displayName: 'Hidden' }, map(), 'Owner', async () => {
      asked += 1;
      return ZOHO[0];
    });
    expect(asked).toBe(0);
    expect(r.kind).toBe('leave');
  });
});
