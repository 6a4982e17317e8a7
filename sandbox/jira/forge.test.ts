// Forge's part, end to end: edits in the simulator reach a receiver (a plain node:http server, as our API
// would be) as signed events; the receiver verifies them against the JWKS the simulator serves, and a
// receiver that fails gets the event again, like Forge retries.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJiraClient } from '../../clients/jira/index';
import {
  APP_USER,
  DEFAULT_APP_ID,
  forgeEventSchema,
  forgeRemoteEventBodySchema,
  signForgeInvocationToken,
  startJiraSimulator,
  type JiraSimulator,
} from './index';

interface Received {
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A receiver that answers each delivery with the next status in `plan` (then 200). */
async function receiver(plan: number[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) as unknown });
      const status = plan.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { ok: true } : { error: 'try later' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/forge/events`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let sim: JiraSimulator;
beforeAll(async () => {
  sim = await startJiraSimulator({ forge: { retryDelayMs: 20 } });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  sim.setEventUrl(undefined);
  await sim.reset();
});

async function verify(r: Received) {
  const auth = String(r.headers.authorization);
  expect(auth).toMatch(/^Bearer /);
  const token = auth.slice('Bearer '.length);
  expect(decodeProtectedHeader(token).alg).toBe('RS256');
  const jwks = createRemoteJWKSet(new URL(`${sim.url}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(token, jwks, { audience: DEFAULT_APP_ID, issuer: 'forge/invocation-token' });
  return payload as { app: { installationId: string; apiBaseUrl: string; installation: { id: string } }; context: { cloudId: string } };
}

describe('Forge event delivery', () => {
  it('delivers an issue edit as a signed event the receiver can verify with the served JWKS', async () => {
    const rx = await receiver();
    try {
      sim.setEventUrl(rx.url);
      const basic = createJiraClient({ baseUrl: sim.url, auth: { type: 'basic', ...sim.basicAuth } });
      await basic.issues.edit('DEMO-2', { fields: { summary: 'VAT applied twice on German invoices' } });
      await sim.idle();
      expect(rx.received).toHaveLength(1);
      const [delivery] = rx.received;

      const claims = await verify(delivery!);
      expect(claims.app.apiBaseUrl).toBe(sim.apiBaseUrl);
      expect(claims.app.installationId).toBe(sim.installationId);
      expect(claims.app.installation.id).toBe(sim.installationId);
      expect(claims.context.cloudId).toBe(sim.cloudId);

      const body = forgeRemoteEventBodySchema.parse(delivery!.body);
      expect(body.payload.retryContext).toBeUndefined();
      const event = forgeEventSchema.parse(body.payload);
      if (event.eventType !== 'avi:jira:updated:issue') throw new Error(`unexpected ${event.eventType}`);
      expect(event.issue.key).toBe('DEMO-2');
      expect(event.selfGenerated).toBe(false);
      expect(event.changelog.items).toEqual([
        expect.objectContaining({
          field: 'summary',
          fieldId: 'summary',
          fromString: 'Invoice PDF shows the wrong VAT rate for EU customers',
          toString: 'VAT applied twice on German invoices',
        }),
      ]);
      expect(delivery!.headers['x-b3-traceid']).toEqual(expect.any(String));

      // The app system token that came with the event works against the REST API at apiBaseUrl.
      const systemToken = String(delivery!.headers['x-forge-oauth-system']);
      const asApp = createJiraClient({ baseUrl: claims.app.apiBaseUrl, auth: { type: 'forge', systemToken } });
      expect((await asApp.issues.get('DEMO-2', { fields: ['summary'] })).fields.summary).toBe('VAT applied twice on German invoices');
      expect(await asApp.metadata.myself()).toMatchObject({ accountId: APP_USER.accountId });
    } finally {
      await rx.close();
    }
  });

  it('retries a receiver that fails twice and delivers on the third attempt', async () => {
    const rx = await receiver([500, 503]);
    try {
      sim.setEventUrl(rx.url);
      const res = await fetch(`${sim.url}/__sandbox/issues/DEMO-1`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'In Progress' }),
      });
      expect(res.status).toBe(200);
      await sim.idle();
      expect(rx.received).toHaveLength(3);
      const bodies = rx.received.map((r) => forgeRemoteEventBodySchema.parse(r.body));
      expect(bodies.map((b) => b.payload.retryContext?.retryCount)).toEqual([undefined, 1, 2]);
      expect(bodies[1]!.payload.retryContext).toEqual({ retryCount: 1, retryReason: 'INVALID_REMOTE_INVOCATION_ERROR', retryData: null });
      // Every attempt carries a fresh, valid token, and the same event.
      for (const r of rx.received) await verify(r);
      const events = bodies.map((b) => forgeEventSchema.parse(b.payload));
      expect(new Set(events.map((e) => (e.eventType === 'avi:jira:updated:issue' ? e.changelog.id : '')))).toHaveProperty('size', 1);
      const event = events[2]!;
      if (event.eventType !== 'avi:jira:updated:issue') throw new Error(`unexpected ${event.eventType}`);
      expect(event.associatedStatuses?.map((s) => s.name)).toEqual(['To Do', 'In Progress']);
      expect(sim.deliveries.at(-1)).toMatchObject({ state: 'delivered', attempts: [{ status: 500 }, { status: 503 }, { status: 200 }] });
    } finally {
      await rx.close();
    }
  });

  it('gives up after four attempts, and reports a refused token as INVALID_FORGE_INVOCATION_TOKEN', async () => {
    const rx = await receiver([401, 500, 500, 500, 500]);
    try {
      sim.setEventUrl(rx.url);
      await fetch(`${sim.url}/__sandbox/issues/DEMO-1/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Customer called back.' }),
      });
      await sim.idle();
      expect(rx.received).toHaveLength(4);
      const second = forgeRemoteEventBodySchema.parse(rx.received[1]!.body);
      expect(second.payload.retryContext?.retryReason).toBe('INVALID_FORGE_INVOCATION_TOKEN');
      expect(sim.deliveries.at(-1)).toMatchObject({ state: 'failed', eventType: 'avi:jira:commented:issue' });
    } finally {
      await rx.close();
    }
  });

  it('marks events the app caused itself as selfGenerated, for creates, comments and attachments', async () => {
    const rx = await receiver();
    try {
      sim.setEventUrl(rx.url);
      const app = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: sim.systemToken } });
      const created = await app.issues.create({ project: { key: 'DEMO' }, issueType: { name: 'Bug' }, summary: 'Synced from Zoho' });
      await app.comments.add(created.key, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'From the CRM' }] }] });
      const [att] = await app.attachments.upload(created.key, { filename: 'quote.txt', contentType: 'text/plain', data: [Buffer.from('quote')] });
      await sim.idle();
      const events = rx.received.map((r) => forgeEventSchema.parse(forgeRemoteEventBodySchema.parse(r.body).payload));
      expect(events.map((e) => e.eventType)).toEqual(['avi:jira:created:issue', 'avi:jira:commented:issue', 'avi:jira:created:attachment']);
      expect(events.every((e) => e.selfGenerated)).toBe(true);
      const attachmentEvent = events[2]!;
      if (attachmentEvent.eventType !== 'avi:jira:created:attachment') throw new Error('unexpected event');
      expect(attachmentEvent.attachment).toMatchObject({ id: att!.id, issueId: created.id, filename: 'quote.txt', size: 5 });
      const createdEvent = events[0]!;
      if (createdEvent.eventType !== 'avi:jira:created:issue') throw new Error('unexpected event');
      expect(createdEvent.issue.fields.issueType).toMatchObject({ name: 'Bug' });
    } finally {
      await rx.close();
    }
  });

  it('times out a slow receiver and redelivers with TIMEOUT_ERROR', async () => {
    const quick = await startJiraSimulator({ forge: { retryDelayMs: 10, timeoutMs: 200 } });
    let calls = 0;
    const bodies: unknown[] = [];
    const slow = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        // The first answer comes far too late; the second at once.
        const delay = calls++ === 0 ? 2_000 : 0;
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), delay).unref();
      });
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      quick.setEventUrl(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/events`);
      await fetch(`${quick.url}/__sandbox/issues/DEMO-1/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'ping' }) });
      await quick.idle();
      expect(bodies).toHaveLength(2);
      expect(forgeRemoteEventBodySchema.parse(bodies[1]).payload.retryContext?.retryReason).toBe('TIMEOUT_ERROR');
      expect(quick.deliveries.at(-1)?.state).toBe('delivered');
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
      await quick.close();
    }
  });

  it('records events without sending them when no endpoint is configured', async () => {
    const basic = createJiraClient({ baseUrl: sim.url, auth: { type: 'basic', ...sim.basicAuth } });
    await basic.issues.edit('DEMO-1', { fields: { summary: 'Quiet edit' } });
    await sim.idle();
    expect(sim.deliveries.at(-1)).toMatchObject({ state: 'skipped', eventType: 'avi:jira:updated:issue', subject: 'DEMO-1' });
  });

  it('does not raise an event for property writes (they do not change the issue)', async () => {
    const rx = await receiver();
    try {
      sim.setEventUrl(rx.url);
      const app = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: sim.systemToken } });
      await app.issues.setProperty('DEMO-1', 'zoho-link', { recordId: '1' });
      await sim.idle();
      expect(rx.received).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });
});

describe('signForgeInvocationToken', () => {
  it('signs tokens the served JWKS verifies, and can forge ones it must not', async () => {
    const jwks = createRemoteJWKSet(new URL(`${sim.url}/.well-known/jwks.json`));
    const good = await sim.signFit();
    await expect(jwtVerify(good, jwks, { audience: sim.appId, issuer: 'forge/invocation-token' })).resolves.toBeDefined();

    const claims = { app: { ...sim.installation(), id: sim.appId } } as unknown as Parameters<typeof signForgeInvocationToken>[0];
    const standalone = await signForgeInvocationToken({ ...claims, aud: sim.appId });
    await expect(jwtVerify(standalone, jwks, { audience: sim.appId })).resolves.toBeDefined();

    const expired = await sim.signFit({ exp: Math.floor(Date.now() / 1000) - 60 });
    await expect(jwtVerify(expired, jwks, { audience: sim.appId })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    const wrongAudience = await sim.signFit({ aud: 'ari:cloud:ecosystem::app/someone-else' });
    await expect(jwtVerify(wrongAudience, jwks, { audience: sim.appId })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    const forged = await sim.signFit({}, { untrustedKey: true });
    await expect(jwtVerify(forged, jwks, { audience: sim.appId })).rejects.toBeDefined();
  });

  it('stops accepting revoked system tokens', async () => {
    const token = sim.systemToken;
    const app = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: token } });
    await app.metadata.myself();
    sim.revokeSystemTokens();
    await expect(app.metadata.myself()).rejects.toMatchObject({ status: 401 });
    expect(sim.systemToken).not.toBe(token);
  });
});
