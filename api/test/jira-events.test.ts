// The Forge event model on its own: identity stable across redeliveries, both issue-type casings, and the
// workflow signal built from each event kind.
import { describe, expect, it } from 'vitest';
import { eventKeyOf, jiraForgeEventSchema, subjectOf, toSignal } from '../routes/jira-events';

const at = new Date('2026-11-28T12:00:00.000Z');
const issue = (fields: Record<string, unknown>) => ({ id: '10042', key: 'DEMO-42', fields: { project: { id: '10000', key: 'DEMO' }, ...fields } });

describe('jira-events', () => {
  it('reads the issue type under either casing', () => {
    for (const key of ['issueType', 'issuetype']) {
      const e = jiraForgeEventSchema.parse({ eventType: 'avi:jira:created:issue', issue: issue({ [key]: { id: '10001', name: 'Task' } }) });
      expect(subjectOf(e)).toEqual({ issueId: '10042', projectId: '10000', issueTypeId: '10001' });
    }
  });

  it('gives a redelivery the same identity and distinct changes distinct identities', () => {
    const update = (changelogId: string, retry?: object) =>
      jiraForgeEventSchema.parse({ eventType: 'avi:jira:updated:issue', issue: issue({}), changelog: { id: changelogId, items: [] }, ...(retry ? { retryContext: retry } : {}) });
    expect(eventKeyOf(update('1'))).toBe(eventKeyOf(update('1', { retryCount: 2, retryReason: 'TIMEOUT_ERROR', retryData: null })));
    expect(eventKeyOf(update('1'))).not.toBe(eventKeyOf(update('2')));
    const comment = (updated: string) =>
      jiraForgeEventSchema.parse({ eventType: 'avi:jira:commented:issue', issue: issue({}), comment: { id: '7', created: '2026-11-28T10:00:00.000+0000', updated } });
    // An edited comment is a new event (Forge sends commented:issue for edits too).
    expect(eventKeyOf(comment('2026-11-28T10:00:00.000+0000'))).not.toBe(eventKeyOf(comment('2026-11-28T11:00:00.000+0000')));
    expect(eventKeyOf(comment('2026-11-28T10:00:00.000+0000')).length).toBeLessThanOrEqual(200);
  });

  it('builds the workflow signal for each kind', () => {
    const updated = jiraForgeEventSchema.parse({
      eventType: 'avi:jira:updated:issue',
      atlassianId: 'acc-1',
      issue: issue({ updated: '2026-11-28T10:00:00.000+0000' }),
      changelog: { id: '9', items: [{ field: 'status', fieldId: 'status' }, { field: 'Custom', fieldtype: 'custom' }, { field: 'status', fieldId: 'status' }] },
    });
    expect(toSignal(updated, 'k', '10042', at)).toEqual({
      eventId: 'k',
      kind: 'issue_updated',
      issueId: '10042',
      issueKey: 'DEMO-42',
      changedFields: ['status', 'Custom'],
      occurredAt: '2026-11-28T10:00:00.000Z',
      actorAccountId: 'acc-1',
    });
    const attachment = jiraForgeEventSchema.parse({ eventType: 'avi:jira:created:attachment', attachment: { id: 5, issueId: 10042, author: { accountId: 'acc-2' } } });
    expect(subjectOf(attachment)).toEqual({ issueId: '10042' });
    expect(toSignal(attachment, 'k2', '10042', at)).toEqual({ eventId: 'k2', kind: 'attachment_created', issueId: '10042', attachmentId: '5', occurredAt: at.toISOString(), actorAccountId: 'acc-2' });
    const noIssue = jiraForgeEventSchema.parse({ eventType: 'avi:jira:created:attachment', attachment: { id: '6' } });
    expect(subjectOf(noIssue)).toBeUndefined();
  });
});
