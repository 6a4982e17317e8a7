// The operations routes: the Temporal codec endpoint (codec server protocol, bearer token, CORS for the
// Temporal UI, the embedded UI's exemption) and the Prometheus metrics of the API (bearer token).
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app as appPlugin } from '../app';
import { createAppDeps } from '../deps';
import { AesGcmPayloadCodec, generatePayloadKey } from '../../lib/temporal/payload-codec';
import { testPayloadCodec } from '../../test/support/temporal';
import { createTestApp, type TestApp } from './helper';

const CODEC_TOKEN = `codec-${randomUUID()}`;
const METRICS_TOKEN = `metrics-${randomUUID()}`;
const UI = 'http://127.0.0.1:8233';

let t: TestApp;
/** The same dependencies without either token, and with an embedded UI origin. */
let bare: FastifyInstance;

beforeAll(async () => {
  t = await createTestApp({ env: { TEMPORAL_CODEC_TOKEN: CODEC_TOKEN, METRICS_TOKEN } });
  const config = { ...t.config, TEMPORAL_CODEC_TOKEN: undefined, METRICS_TOKEN: undefined };
  const deps = createAppDeps({
    config,
    prisma: t.db.prisma,
    temporal: t.temporal.client,
    cipher: t.deps.cipher,
    clients: t.deps.clients,
    zohoEndpoints: t.zohoEndpoints,
    localTemporalUiOrigins: ['http://localhost:9233'],
  });
  bare = Fastify({ logger: false });
  await bare.register(appPlugin, deps);
  await bare.ready();
}, 120_000);

afterAll(async () => {
  await bare?.close();
  await t?.close();
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data, 'base64')),
});
const value = { issueKey: 'DEMO-7', actorAccountId: '5b10ac8d82e05b22cc7d4ef5' };
const auth = { authorization: `Bearer ${CODEC_TOKEN}`, 'x-namespace': 'default' };

describe('codec endpoint (Temporal codec server protocol)', () => {
  it('decodes what the deployment encrypted and encodes what the UI sends, both ways through the same codec', async () => {
    const [sealed] = await testPayloadCodec.encode([defaultPayloadConverter.toPayload(value)]);
    const res = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: { payloads: [toJson(sealed!)] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(defaultPayloadConverter.fromPayload(fromJson(res.json<{ payloads: [{ metadata: Record<string, string>; data: string }] }>().payloads[0]))).toEqual(value);

    const plain = toJson(defaultPayloadConverter.toPayload(value));
    const enc = await t.app.inject({ method: 'POST', url: '/codec/encode', headers: auth, payload: { payloads: [plain] } });
    expect(enc.statusCode, enc.body).toBe(200);
    const encoded = fromJson(enc.json<{ payloads: [{ metadata: Record<string, string>; data: string }] }>().payloads[0]);
    expect(Buffer.from(encoded.metadata![METADATA_ENCODING_KEY]!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.data!).toString('latin1')).not.toContain('DEMO-7');
    expect(defaultPayloadConverter.fromPayload((await testPayloadCodec.decode([encoded]))[0]!)).toEqual(value);
  });

  it('passes never-encrypted payloads through, and answers an empty list', async () => {
    const plain = toJson(defaultPayloadConverter.toPayload(value));
    const res = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: { payloads: [plain] } });
    expect(res.json()).toEqual({ payloads: [plain] });
    const empty = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: { payloads: [] } });
    expect(empty.json()).toEqual({ payloads: [] });
  });

  it('refuses without the token, with a wrong token, and entirely when no token is configured, saying what to do', async () => {
    const body = { payloads: [] };
    const none = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: { 'x-namespace': 'default' }, payload: body });
    expect(none.statusCode).toBe(401);
    expect(none.json<{ message: string }>().message).toMatch(/Authorization: Bearer <token>.*--codec-auth/);
    const wrong = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: { ...auth, authorization: 'Bearer nope-nope-nope-nope' }, payload: body });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ message: string }>().message).toMatch(/TEMPORAL_CODEC_TOKEN/);
    const off = await bare.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: body });
    expect(off.statusCode).toBe(401);
    expect(off.json<{ message: string }>().message).toMatch(/set TEMPORAL_CODEC_TOKEN/);
  });

  it('refuses another namespace, malformed base64 and payloads sealed with an unknown key (naming the key, not the content)', async () => {
    const other = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: { ...auth, 'x-namespace': 'payments' }, payload: { payloads: [] } });
    expect(other.statusCode).toBe(400);
    expect(other.json<{ message: string }>().message).toMatch(/namespace "default" only/);
    const bad = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: { payloads: [{ data: '%%%' }] } });
    expect(bad.statusCode).toBe(400);
    const foreign = new AesGcmPayloadCodec(generatePayloadKey());
    const [sealed] = await foreign.encode([defaultPayloadConverter.toPayload(value)]);
    const res = await t.app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: { payloads: [toJson(sealed!)] } });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ message: string }>().message).toContain(foreign.keyId);
    expect(res.body).not.toContain('DEMO-7');
  });

  it('answers the Temporal UI’s CORS preflight for its origin only', async () => {
    const preflight = (app: FastifyInstance, origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(t.app, UI);
    expect(ok.statusCode).toBeLessThan(300);
    expect(ok.headers['access-control-allow-origin']).toBe(UI);
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/x-namespace/);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const evil = await preflight(t.app, 'https://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the embedded dev server’s UI in without a token (npm start), and nobody else', async () => {
    const [sealed] = await testPayloadCodec.encode([defaultPayloadConverter.toPayload(value)]);
    const res = await bare.inject({ method: 'POST', url: '/codec/decode', headers: { origin: 'http://localhost:9233', 'x-namespace': 'default' }, payload: { payloads: [toJson(sealed!)] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:9233');
    const other = await bare.inject({ method: 'POST', url: '/codec/decode', headers: { origin: UI, 'x-namespace': 'default' }, payload: { payloads: [] } });
    expect(other.statusCode).toBe(401);
  });
});

/**
 * The sum of the series of `name` whose labels include `labels` in a Prometheus text page, or undefined when
 * none does (/healthz answers 200 or, on a busy database, 503: both count).
 */
function sample(page: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('GET /metrics (API)', () => {
  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.body;
  };

  it('names requests by route and status, with latency, the intake backlog and process metrics; the counts move after a call', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const before = await scrape();
    const routeLabels = { method: 'GET', route: '/healthz' };
    const n = sample(before, 'http_requests_total', routeLabels) ?? 0;
    expect(n).toBeGreaterThanOrEqual(1);
    await t.app.inject({ method: 'GET', url: '/healthz' });
    await t.app.inject({ method: 'GET', url: '/no/such/route' });
    const after = await scrape();
    expect(sample(after, 'http_requests_total', routeLabels)).toBe(n + 1);
    expect(sample(after, 'http_request_duration_seconds_count', routeLabels)).toBe(n + 1);
    expect(sample(after, 'http_requests_total', { route: '__unmatched__', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'intake_backlog_events')).toBe(0);
    expect(sample(after, 'intake_oldest_event_age_seconds')).toBe(0);
    expect(after).toMatch(/^intake_dispatcher_last_lag_seconds /m);
    expect(after).toMatch(/^process_resident_memory_bytes /m);
  });

  it('refuses a scrape without the token, with a wrong one, and when no token is configured, saying what to set', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.json<{ message: string }>().message).toMatch(/METRICS_TOKEN/);
    const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-wrong-wrong-wrong' } });
    expect(wrong.statusCode).toBe(401);
    const off = await bare.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(off.statusCode).toBe(401);
    expect(off.json<{ message: string }>().message).toMatch(/set METRICS_TOKEN/);
  });
});
