// F50's cost: what encrypting every Temporal payload adds, per payload, to the JSON conversion Temporal does
// anyway. The payloads are the product's own shapes at realistic sizes: one Jira event (the intake's signal
// argument), a dispatcher batch of 50 events, and a sync activity's input/result with a Zoho page of 200
// records (~100 KB). Run: `npm run bench:codec` (writes bench/results/codec-latest.json).
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { bench, describe } from 'vitest';
import { AesGcmPayloadCodec, generatePayloadKey } from '../lib/temporal/payload-codec';
import type { JiraEventSignal } from '../workflows/messages';

const codec = new AesGcmPayloadCodec(generatePayloadKey());

const event = (i: number): JiraEventSignal => ({
  eventId: randomUUID(),
  kind: 'issue_updated',
  issueId: String(10_000 + i),
  issueKey: `DEMO-${i}`,
  changedFields: ['customfield_10034', 'summary'],
  occurredAt: new Date().toISOString(),
  actorAccountId: '5b10a2844c20165700ede21g',
});

const record = (i: number) => ({
  id: String(4_876_876_000_000_000 + i),
  Deal_Name: `Renewal ${i} — Globex Corporation`,
  Stage: 'Negotiation/Review',
  Amount: 50_000 + i,
  Closing_Date: '2027-01-31',
  Modified_Time: new Date().toISOString(),
  Owner: { id: '4876876000000225013', name: 'Patricia Boyle', email: 'p.boyle@zylker.com' },
  Account_Name: { id: '4876876000000624001', name: 'Globex Corporation' },
  Description: 'Two-year renewal with the premium support add-on; legal review of the data processing terms pending.',
});

const shapes = {
  'one Jira event (intake signal)': [[event(1)]],
  '50 Jira events (dispatcher batch)': [Array.from({ length: 50 }, (_, i) => event(i))],
  'Zoho page of 200 records (activity payload)': [{ records: Array.from({ length: 200 }, (_, i) => record(i)), cursor: new Date().toISOString() }],
} as const;

for (const [name, value] of Object.entries(shapes)) {
  const plain: Payload = defaultPayloadConverter.toPayload(value);
  let sealed: Payload | undefined;
  describe(`${name}: ${plain.data?.length ?? 0} bytes as JSON`, async () => {
    sealed = (await codec.encode([plain]))[0]!;
    bench('to payload (JSON only, no encryption)', () => {
      defaultPayloadConverter.toPayload(value);
    });
    bench('to payload + encrypt (AES-256-GCM)', async () => {
      await codec.encode([defaultPayloadConverter.toPayload(value)]);
    });
    bench('from payload (JSON only)', () => {
      defaultPayloadConverter.fromPayload(plain);
    });
    bench('decrypt + from payload', async () => {
      defaultPayloadConverter.fromPayload((await codec.decode([sealed!]))[0]!);
    });
  });
}
