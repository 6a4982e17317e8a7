// The resolver layer's own rules: payloads are checked before anything is sent, and whatever the backend
// answers becomes a message a person can act on. (End-to-end behaviour against the real API is covered by
// the browser journey, which runs these same resolvers.)
import { describe, expect, it } from 'vitest';
import { errorFor, MESSAGES } from '../src/backend';
import { runResolver } from '../src/resolvers';
import { API_ROUTES, type ApiRoute } from '../../contracts';
import { RESOLVER_KEYS, routes } from '../src/routes';

describe('routes', () => {
  it('routes every resolver key to an API path under /api/v1', () => {
    for (const key of RESOLVER_KEYS) {
      expect(routes[key], key).toBeDefined();
      expect(routes[key].payload, key).toBeDefined();
      expect(routes[key].api.response, key).toBeDefined();
    }
    const call = routes['panel/search'].call({ sciId: 's 1', query: 'Acme & Co' }, { issueKey: 'DEMO-1' });
    expect(call).toEqual({ method: 'GET', path: '/api/v1/panel/issues/DEMO-1/search?sciId=s+1&q=Acme+%26+Co' });
    expect(routes['sci/update'].call({ id: 'a/b', definition: {} as never }, { issueKey: undefined }).path).toBe('/api/v1/scis/a%2Fb');
  });
});

describe('routes and contracts/routes.ts', () => {
  it('calls, for every resolver key, the method and path of the API route whose answer it reads', () => {
    // One payload with every field any route reads: each call takes only what it needs.
    const sample = { id: 'sci1', linkId: 'lnk1', module: 'Deals', projectId: '10000', sciId: 'sci1', query: 'ab', recordId: '123', definition: {} };
    const known = new Set<ApiRoute>(Object.values(API_ROUTES));
    for (const key of RESOLVER_KEYS) {
      const route = routes[key];
      expect(known.has(route.api), key).toBe(true);
      const call = route.call(sample as never, { issueKey: 'DEMO-1' });
      const pattern = new RegExp(`^/api/v1${route.api.path.replace(/:[A-Za-z]\w*/g, '[^/?]+')}(\\?.*)?$`);
      expect(call.method, key).toBe(route.api.method);
      expect(call.path, key).toMatch(pattern);
      if (route.api.body === undefined) expect(call.body, key).toBeUndefined();
    }
  });

  it('sends the definition the API validates, attachment limit included', () => {
    const parsed = routes['sci/create'].payload.parse({
      definition: { name: 'x', syncMode: 'ONE_WAY', jiraProjectId: '1', jiraIssueTypeId: '2', zohoModule: 'Deals', options: { attachmentMaxBytes: 5 * 1024 * 1024 } },
    });
    expect(parsed.definition.options.attachmentMaxBytes).toBe(5 * 1024 * 1024);
    expect(routes['sci/create'].payload.safeParse({ definition: { ...parsed.definition, options: { attachmentMaxBytes: 21 * 1024 * 1024 } } }).success).toBe(false);
  });
});

describe('runResolver', () => {
  it('refuses a bad payload with the field named, without calling the backend', async () => {
    const result = await runResolver('connection/connect-app-oauth', { payload: { clientId: '', clientSecret: 'x', code: 'y' }, context: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.message).toBe('Enter the Client ID from the Zoho API Console.');
    expect(result.error.problems).toEqual([{ path: 'clientId', message: 'Enter the Client ID from the Zoho API Console.' }]);
  });

  it('says the panel action needs an issue when the module gave none', async () => {
    const result = await runResolver('panel/get', { payload: {}, context: { extension: { type: 'jira:adminPage' } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('NO_ISSUE');
    expect(result.error.message).toContain('Jira issue');
  });

  it('says what to do when the Forge runtime cannot reach the backend', async () => {
    // Outside Forge (and outside the local host) there is no platform fetch: the call fails before any HTTP.
    const result = await runResolver('connection/get', { payload: {}, context: {} });
    expect(result).toEqual({ ok: false, error: { code: 'BACKEND_UNREACHABLE', message: MESSAGES.unreachable } });
  });
});

describe('errorFor', () => {
  it('passes the API’s own 4xx explanation and field problems through', () => {
    const body = { statusCode: 422, error: 'Unprocessable Entity', message: 'Zoho field Foo does not exist.', code: 'VALIDATION_FAILED', problems: [{ path: 'fieldMappings.0.zohoField', message: 'unknown' }] };
    expect(errorFor(422, body)).toEqual({ code: 'VALIDATION_FAILED', message: 'Zoho field Foo does not exist.', problems: body.problems });
  });

  it('never shows a 500 body or FIT details, and explains instead', () => {
    expect(errorFor(500, { message: 'TypeError: x is undefined at /srv/app.js:1' })).toEqual({ code: 'SERVER_ERROR', message: MESSAGES.serverError });
    expect(errorFor(401, { message: 'signature verification failed for kid abc' })).toEqual({ code: 'FORGE_AUTH', message: MESSAGES.unauthorized });
    expect(errorFor(404, undefined)).toEqual({ code: 'NOT_FOUND', message: MESSAGES.notFound });
    expect(errorFor(429, {})).toEqual({ code: 'RATE_LIMITED', message: MESSAGES.rateLimited });
  });

  it('keeps a 503 explanation (e.g. Temporal unavailable) and cuts absurdly long text', () => {
    expect(errorFor(503, { message: 'Try again shortly.', code: 'TEMPORAL_UNAVAILABLE' })).toEqual({ code: 'TEMPORAL_UNAVAILABLE', message: 'Try again shortly.' });
    expect(errorFor(409, { message: 'x'.repeat(5000) }).message).toHaveLength(600);
  });
});
