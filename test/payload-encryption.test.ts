// F50: Temporal payloads are encrypted. A real SCI sync runs (a CRM record auto-created as a Jira issue, then
// a Jira event for that issue queued to the workflow by signal), and its history, read raw by a client that
// has no codec, holds no plaintext: not the event, the account id, the issue key, the record's values nor a
// token. With the codec, through the API's codec endpoint, the same payloads decode.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sciDefinitionSchema } from '../lib/sci/definition';
import { openFrom } from '../lib/tenant-clients';
import { jiraEventsSignal, type JiraEventSignal } from '../workflows/messages';
import { simInsertDeals } from './faults/support';
import { startSyncStack, type SyncStack } from './support/sync-stack';

const CODEC_TOKEN = `codec-${randomUUID()}`;
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ app: { env: { TEMPORAL_CODEC_TOKEN: CODEC_TOKEN } } });
}, 120_000);

afterAll(async () => {
  await s?.close();
});

/** Every Payload message in a history (anything with `data` and a `metadata` map), with where it was. */
function payloadsIn(value: unknown, where = 'history', out: { where: string; payload: Payload }[] = []) {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => payloadsIn(v, `${where}[${i}]`, out));
    return out;
  }
  const o = value as Record<string, unknown>;
  if (o.metadata && typeof o.metadata === 'object' && 'data' in o) out.push({ where, payload: o });
  for (const [k, v] of Object.entries(o)) payloadsIn(v, `${where}.${k}`, out);
  return out;
}

/** Every string and byte string of a history, as text. */
function textsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('latin1'));
  else if (Array.isArray(value)) for (const v of value) textsIn(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) textsIn(v, out);
  return out;
}

const encodingOf = (p: Payload) => Buffer.from(p.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array()).toString('utf8');

describe('Temporal payloads are encrypted (F50)', () => {
  it('a raw history of a real sync holds no plaintext event, account id, issue key, record value or token; the codec endpoint decodes it', async () => {
    const dealName = `Orchid Ventures renewal ${randomUUID().slice(0, 8)}`;
    const def = sciDefinitionSchema.parse({
      name: `payloads-${randomUUID().slice(0, 6)}`,
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
      options: { autoCreate: true },
    });
    const sci = await s.createSci(def);
    const recordId = (await simInsertDeals(s, [{ Deal_Name: dealName, Amount: 1 }]))[0]!;
    await s.syncNow(sci);
    const link = await s.eventually(
      () => s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: recordId } }),
      (l) => l !== null,
    );
    const issueKey = link!.jiraIssueKey;

    // A Jira event queued to the workflow, as the intake delivers it.
    const accountId = `5b10ac8d82e05b22cc7d${randomUUID().slice(0, 4)}`;
    const event: JiraEventSignal = {
      eventId: `evt-${randomUUID()}`,
      kind: 'issue_updated',
      issueId: link!.jiraIssueId,
      issueKey,
      changedFields: ['summary'],
      occurredAt: new Date().toISOString(),
      actorAccountId: accountId,
    };
    const workflowId = s.t.deps.workflows.workflowId(sci);
    const before = await s.status(sci);
    await s.t.temporal.client.workflow.getHandle(workflowId).signal(jiraEventsSignal, [event]);
    await s.eventually(() => s.status(sci), (st) => st.runs > before.runs && st.pendingEvents === 0);

    // The tenant's secrets as stored: none may reach Temporal.
    const conn = await s.t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: s.tenant.id } });
    const refreshToken = openFrom(s.t.deps.cipher, s.tenant.id, 'zoho.refreshToken', conn.refreshTokenCiphertext)!;
    const clientSecret = openFrom(s.t.deps.cipher, s.tenant.id, 'zoho.clientSecret', conn.clientSecretCiphertext)!;
    const systemToken = s.t.jira.systemToken;

    // Read raw, by a client that has no codec (the default data converter).
    const plain = new Client({ connection: s.t.temporal.client.connection, namespace: 'default' });
    const history = await plain.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    expect(events.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'jiraEvents')).toBe(true);
    expect(events.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);

    // Search attributes are Temporal's index, plain by design (tenant, SCI, module, mode: no personal data).
    const payloads = payloadsIn(events).filter((p) => !p.where.includes('.searchAttributes.'));
    expect(payloads.length).toBeGreaterThan(5);
    for (const { where, payload } of payloads) expect(encodingOf(payload), where).toBe('binary/encrypted');

    const texts = textsIn(events).join('\n');
    for (const secret of [event.eventId, accountId, issueKey, dealName, recordId, refreshToken, clientSecret, systemToken]) {
      expect(texts.includes(secret), `raw history contains ${secret.slice(0, 12)}…`).toBe(false);
    }

    // The signal's payload, decoded by the API's codec endpoint (Temporal's codec server protocol).
    const signaled = events.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'jiraEvents')!;
    const input = signaled.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!;
    const asJson = {
      metadata: Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(input.data ?? new Uint8Array()).toString('base64'),
    };
    const refused = await s.t.app.inject({ method: 'POST', url: '/codec/decode', headers: { 'x-namespace': 'default' }, payload: { payloads: [asJson] } });
    expect(refused.statusCode).toBe(401);
    const res = await s.t.app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { authorization: `Bearer ${CODEC_TOKEN}`, 'x-namespace': 'default', 'content-type': 'application/json' },
      payload: { payloads: [asJson] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [decoded] = res.json<{ payloads: { metadata: Record<string, string>; data: string }[] }>().payloads;
    const payload: Payload = {
      metadata: Object.fromEntries(Object.entries(decoded!.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
      data: new Uint8Array(Buffer.from(decoded!.data, 'base64')),
    };
    expect(encodingOf(payload)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(payload)).toEqual([event]);
  });
});
