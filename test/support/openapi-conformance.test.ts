import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../sandbox/shared/exchange';
import {
  assertConformant,
  checkExchange,
  loadJiraSpec,
  loadSpec,
  loadZohoSpec,
  redactUrl,
} from './openapi-conformance';
import { deref, escapePointerToken, isObject } from './openapi/document';

// Bodies come from the vendors' documents: Jira's own `example` values are read from the document at run
// time; Zoho's record.json has no examples, so its bodies follow the Response_Wrapper / Body_Wrapper /
// Success_Response / API_Exception schemas of that file.

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function exchange(partial: Partial<HttpExchange> & Pick<HttpExchange, 'method' | 'url' | 'status'>): HttpExchange {
  return {
    requestHeaders: {},
    requestBody: undefined,
    responseHeaders: JSON_HEADERS,
    responseBody: undefined,
    ...partial,
  };
}

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { example?: unknown }> };
        responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
      }
    >
  >;
};
const jiraDoc = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../sandbox/openapi/jira-cloud-v3/swagger-v3.v3.json', import.meta.url)),
    'utf8',
  ),
) as Doc;

/** Atlassian stores most examples as JSON strings. */
function jiraExample(path: string, method: string, status?: string): unknown {
  const op = jiraDoc.paths[path]?.[method];
  const raw =
    status === undefined
      ? op?.requestBody?.content['application/json']?.example
      : op?.responses[status]?.content?.['application/json']?.example;
  if (raw === undefined) throw new Error(`no example for ${method} ${path} ${status ?? 'request'}`);
  return typeof raw === 'string' ? JSON.parse(raw) : raw;
}

describe('Zoho CRM v8', () => {
  const zoho = loadZohoSpec();
  const recordList = {
    data: [{ id: '4876876000000624001', Deal_Name: 'Connector pilot', Modified_Time: '2024-05-01T10:00:00+05:30' }],
    info: { per_page: 200, count: 1, page: 1, more_records: false, sort_by: 'id', sort_order: 'desc' },
  };

  it('accepts a record list read', () => {
    const ex = exchange({
      method: 'GET',
      url: '/crm/v8/Deals?fields=Deal_Name&per_page=200',
      status: 200,
      responseBody: recordList,
    });
    expect(checkExchange(zoho, ex)).toEqual([]);
  });

  it('reports a query parameter of the wrong type and an undocumented one', () => {
    const ex = exchange({
      method: 'GET',
      url: '/crm/v8/Deals?fields=Deal_Name&per_page=lots&colour=red',
      status: 200,
      responseBody: recordList,
    });
    const problems = checkExchange(zoho, ex);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/query parameter per_page must be integer/);
    expect(problems[1]).toMatch(/query parameter colour is not documented/);
  });

  it('reports a response body that breaks the schema', () => {
    const ex = exchange({
      method: 'GET',
      url: '/crm/v8/Deals',
      status: 200,
      responseBody: { data: [{ id: 42 }], info: { per_page: '200' } },
    });
    const problems = checkExchange(zoho, ex);
    expect(problems.join('\n')).toMatch(/\/data\/0\/id must be string/);
    expect(problems.join('\n')).toMatch(/\/info\/per_page must be integer/);
  });

  it('accepts an insert and its success response, and reports an insert body with the wrong type', () => {
    const success = {
      data: [
        {
          code: 'SUCCESS',
          details: { id: '4876876000000624001', Created_Time: '2024-05-01T10:00:00+05:30' },
          message: 'record added',
          status: 'success',
        },
      ],
    };
    const ok = exchange({
      method: 'POST',
      url: '/crm/v8/Deals',
      requestHeaders: JSON_HEADERS,
      requestBody: { data: [{ Deal_Name: 'Pilot' }], trigger: ['workflow'] },
      status: 201,
      responseBody: success,
    });
    expect(checkExchange(zoho, ok)).toEqual([]);
    const bad = { ...ok, requestBody: { data: { Deal_Name: 'Pilot' }, trigger: 'workflow' } };
    const problems = checkExchange(zoho, bad);
    expect(problems).toEqual([
      'request body at /data must be array [POST /crm/v8/{module_api_name}]',
      'request body at /trigger must be array [POST /crm/v8/{module_api_name}]',
    ]);
  });

  it('prefers the most specific template among overlapping files', () => {
    // attachments.json marks both `fields` and `ids` required and documents an empty 204.
    const ex = exchange({
      method: 'GET',
      url: '/crm/v8/Deals/4876876000000624001/Attachments?fields=id&ids=1',
      status: 204,
      responseHeaders: {},
    });
    expect(checkExchange(zoho, ex)).toEqual([]);
    expect(checkExchange(zoho, { ...ex, url: '/crm/v8/Deals/4876876000000624001/Attachments' })).toEqual([
      'required query parameter fields is missing [GET /crm/v8/{module}/{record_id}/Attachments]',
      'required query parameter ids is missing [GET /crm/v8/{module}/{record_id}/Attachments]',
    ]);
    const search = exchange({
      method: 'GET',
      url: '/crm/v8/Deals/search?criteria=(Deal_Name:equals:Pilot)',
      status: 200,
      responseBody: recordList,
    });
    expect(checkExchange(zoho, search)).toEqual([]);
  });

  it('reports an undocumented path and an undocumented method', () => {
    expect(checkExchange(zoho, exchange({ method: 'GET', url: '/crm/v2/Deals', status: 200 }))).toEqual([
      'no operation in Zoho CRM v8 documents GET /crm/v2/Deals',
    ]);
    const [problem] = checkExchange(zoho, exchange({ method: 'PATCH', url: '/crm/v8/Deals', status: 200 }));
    expect(problem).toMatch(/^PATCH is not documented for \/crm\/v8\/\{module_api_name\}/);
  });

  it('lets the caller strip a simulator prefix', () => {
    const ex = exchange({ method: 'GET', url: '/eu/crm/v8/Deals?per_page=2', status: 200, responseBody: recordList });
    expect(checkExchange(zoho, ex, { stripPrefix: (p) => p.replace(/^\/eu/, '') })).toEqual([]);
  });

  it('tolerates Zoho error envelopes under 4xx only when they match the documented error schema', () => {
    const invalid = {
      code: 'INVALID_DATA',
      details: { api_name: 'Deal_Name' },
      message: 'invalid data',
      status: 'error',
    };
    const ex = exchange({
      method: 'POST',
      url: '/crm/v8/Deals',
      requestHeaders: JSON_HEADERS,
      requestBody: { data: [{ Deal_Name: 7 }] },
      status: 400,
      responseBody: { data: [invalid] },
    });
    expect(checkExchange(zoho, ex)).toEqual([]);
    const unknownCode = { ...ex, responseBody: { data: [{ ...invalid, code: 'MADE_UP' }] } };
    expect(checkExchange(zoho, unknownCode).join('\n')).toMatch(
      /response error body at \/code must be equal to one of the allowed values/,
    );
    const notAnError = { ...ex, status: 409, responseBody: { data: [{ hello: 'world' }] } };
    expect(checkExchange(zoho, notAnError)).toEqual([expect.stringMatching(/response status 409 is not documented/)]);
    const top = exchange({
      method: 'GET',
      url: '/crm/v8/Nope',
      status: 400,
      responseBody: {
        code: 'INVALID_MODULE',
        details: {},
        message: 'The module name given seems to be invalid',
        status: 'error',
      },
    });
    expect(checkExchange(zoho, top)).toEqual([]);
    const noContent = exchange({ method: 'GET', url: '/crm/v8/Deals', status: 204, responseHeaders: {} });
    expect(checkExchange(zoho, noContent)).toEqual([]);
  });

  it('checks the accounts OAuth token endpoint against RFC 6749', () => {
    const ok = exchange({
      method: 'POST',
      url: '/oauth/v2/token',
      requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
      requestBody: 'grant_type=refresh_token&refresh_token=r&client_id=c&client_secret=s',
      status: 200,
      responseBody: {
        access_token: 'a',
        api_domain: 'https://www.zohoapis.com',
        token_type: 'Bearer',
        expires_in: 3600,
      },
    });
    expect(checkExchange(zoho, ok)).toEqual([]);
    expect(checkExchange(zoho, { ...ok, responseBody: { error: 'invalid_code' } })).toEqual([]);
    const problems = checkExchange(zoho, { ...ok, requestBody: 'refresh_token=r', responseBody: { token: 'x' } });
    expect(problems[0]).toBe('OAuth token request lacks grant_type');
    expect(problems).toContain("OAuth token response must have required property 'access_token'");
    expect(problems).toContain("OAuth token response must have required property 'error'");
    const authorize = exchange({
      method: 'GET',
      url: '/oauth/v2/auth?response_type=code&client_id=c&scope=ZohoCRM.modules.ALL&access_type=offline&redirect_uri=https%3A%2F%2Fapp%2Fcb',
      status: 302,
      responseHeaders: {},
    });
    expect(checkExchange(zoho, authorize)).toEqual([]);
    expect(checkExchange(zoho, { ...authorize, url: '/oauth/v2/auth?scope=x' })).toEqual([
      'OAuth authorization request lacks response_type',
      'OAuth authorization request lacks client_id',
    ]);
  });

  it('checks Zoho token revocation and user info, which the documents do not describe', () => {
    const revoke = exchange({
      method: 'POST',
      url: '/oauth/v2/token/revoke?token=r',
      status: 200,
      responseBody: { status: 'success' },
    });
    expect(checkExchange(zoho, revoke)).toEqual([]);
    expect(checkExchange(zoho, { ...revoke, method: 'GET', url: '/oauth/v2/token/revoke', responseBody: {} })).toEqual([
      'OAuth revoke endpoint expects POST, not GET',
      'OAuth revocation request lacks token',
      'OAuth revocation response (200) is not {"status":"success"}',
    ]);
    const info = exchange({
      method: 'GET',
      url: '/oauth/user/info',
      requestHeaders: { authorization: 'Zoho-oauthtoken t' },
      status: 200,
      responseBody: { ZUID: 1, Email: 'a@b.c' },
    });
    expect(checkExchange(zoho, info)).toEqual([]);
    expect(checkExchange(zoho, { ...info, requestHeaders: {} })).toEqual([
      'OAuth user info request lacks an authorization header',
    ]);
  });
});

describe('Jira Cloud v3', () => {
  const jira = loadJiraSpec();

  it('accepts the documented issue example', () => {
    const ex = exchange({
      method: 'GET',
      url: '/rest/api/3/issue/DEMO-1?fields=summary,status&expand=names',
      status: 200,
      responseBody: jiraExample('/rest/api/3/issue/{issueIdOrKey}', 'get', '200'),
    });
    expect(checkExchange(jira, ex)).toEqual([]);
  });

  it('reports an enum violation in a query parameter', () => {
    const ex = exchange({
      method: 'GET',
      url: '/rest/api/3/issue/DEMO-1?fieldsByKeys=maybe',
      status: 404,
      responseBody: { errorMessages: ['Issue does not exist'], errors: {} },
    });
    expect(checkExchange(jira, ex)).toEqual([
      'query parameter fieldsByKeys must be boolean [GET /rest/api/3/issue/{issueIdOrKey}]',
    ]);
  });

  it('accepts the documented create-issue example and reports a bad body', () => {
    const ok = exchange({
      method: 'POST',
      url: '/rest/api/3/issue',
      requestHeaders: JSON_HEADERS,
      requestBody: jiraExample('/rest/api/3/issue', 'post'),
      status: 201,
      responseBody: jiraExample('/rest/api/3/issue', 'post', '201'),
    });
    expect(checkExchange(jira, ok)).toEqual([]);
    const bad = {
      ...ok,
      requestBody: { fields: 'summary', transition: { id: 5 } },
      status: 400,
      responseBody: jiraExample('/rest/api/3/issue', 'post', '400'),
    };
    const problems = checkExchange(jira, bad);
    expect(problems).toContain('request body at /fields must be object [POST /rest/api/3/issue]');
    expect(problems).toContain('request body at /transition/id must be string [POST /rest/api/3/issue]');
  });

  it('checks enhanced JQL search both ways', () => {
    const ok = exchange({
      method: 'POST',
      url: '/rest/api/3/search/jql',
      requestHeaders: JSON_HEADERS,
      requestBody: {
        jql: 'project = DEMO AND updated >= -1d',
        fields: ['summary', 'updated'],
        maxResults: 50,
        nextPageToken: 'abc',
      },
      status: 200,
      responseBody: jiraExample('/rest/api/3/search/jql', 'post', '200'),
    });
    expect(checkExchange(jira, ok)).toEqual([]);
    const extra = { ...ok, requestBody: { jql: 'project = DEMO', startAt: 0 } };
    expect(checkExchange(jira, extra)).toEqual([
      'request body must NOT have additional properties (startAt) [POST /rest/api/3/search/jql]',
    ]);
    const wrongType = { ...ok, responseBody: { isLast: 'yes', issues: [] } };
    expect(checkExchange(jira, wrongType)).toEqual([
      'response body (200) at /isLast must be boolean [POST /rest/api/3/search/jql]',
    ]);
  });

  it('honours OAS 3.0 nullable and enums in the documented comment example', () => {
    const path = '/rest/api/3/issue/{issueIdOrKey}/comment';
    const example = jiraExample(path, 'post') as { body: unknown; visibility: Record<string, unknown> };
    const ok = exchange({
      method: 'POST',
      url: '/rest/api/3/issue/DEMO-1/comment',
      requestHeaders: JSON_HEADERS,
      requestBody: { ...example, visibility: { ...example.visibility, identifier: null } },
      status: 201,
      responseBody: jiraExample(path, 'post', '201'),
    });
    expect(checkExchange(jira, ok)).toEqual([]);
    const bad = { ...ok, requestBody: { ...example, visibility: { type: 'team', identifier: 7 } } };
    expect(checkExchange(jira, bad)).toEqual([
      'request body at /visibility/identifier must be string [POST /rest/api/3/issue/{issueIdOrKey}/comment]',
      'request body at /visibility/type must be equal to one of the allowed values (group, role) [POST /rest/api/3/issue/{issueIdOrKey}/comment]',
    ]);
  });

  it('reports an undocumented status and an undocumented content type', () => {
    const teapot = exchange({ method: 'GET', url: '/rest/api/3/issue/DEMO-1', status: 418 });
    expect(checkExchange(jira, teapot)).toEqual([
      expect.stringMatching(/^response status 418 is not documented \(documented: 200, 401, 404\)/),
    ]);
    expect(checkExchange(jira, { ...teapot, status: 429, responseHeaders: { 'retry-after': '2' } })).toEqual([]);
    expect(checkExchange(jira, { ...teapot, status: 503 })).toHaveLength(1);
    expect(checkExchange(jira, { ...teapot, status: 503 }, { acceptStatuses: [503] })).toEqual([]);
    const xml = exchange({
      method: 'POST',
      url: '/rest/api/3/search/jql',
      requestHeaders: { 'content-type': 'application/xml' },
      requestBody: '<jql/>',
      status: 400,
    });
    expect(checkExchange(jira, xml)).toEqual([
      expect.stringMatching(/^request content-type application\/xml is not documented/),
    ]);
  });
});

describe('assertConformant', () => {
  it('throws one error naming every problem with its method and redacted URL', () => {
    const zoho = loadZohoSpec();
    const exchanges = [
      exchange({ method: 'get', url: '/crm/v8/Deals?per_page=x', status: 200, responseBody: { data: [] } }),
      exchange({ method: 'GET', url: '/crm/v9/Deals', status: 200 }),
      exchange({
        method: 'POST',
        url: '/oauth/v2/token?code=SECRET-CODE&grant_type=authorization_code',
        status: 500,
        responseBody: { error: 'x' },
      }),
    ];
    let message = '';
    try {
      assertConformant(zoho, exchanges);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^3 OpenAPI conformance problem\(s\) against Zoho CRM v8:/);
    expect(message).toContain('GET /crm/v8/Deals?per_page=x -> 200: query parameter per_page must be integer');
    expect(message).toContain('GET /crm/v9/Deals -> 200: no operation');
    expect(message).toContain('code=REDACTED');
    expect(message).not.toContain('SECRET-CODE');
    expect(() => assertConformant(zoho, [])).toThrow(/no exchanges were recorded/);
    expect(() => assertConformant(zoho, [], { allowEmpty: true })).not.toThrow();
    expect(redactUrl('/x?client_secret=s&page=2')).toBe('/x?client_secret=REDACTED&page=2');
  });

  it('loads arbitrary documents with loadSpec and resolves refs inside each file', () => {
    const file = fileURLToPath(new URL('../../sandbox/openapi/zoho-crm-v8/coql.json', import.meta.url));
    const spec = loadSpec([file], { name: 'coql', oneOfAsAnyOf: true });
    const ex = exchange({
      method: 'POST',
      url: '/crm/v8/coql',
      requestHeaders: JSON_HEADERS,
      requestBody: { select_query: 7 },
      status: 200,
      responseBody: { data: [], info: { count: 0, more_records: false } },
    });
    expect(checkExchange(spec, ex)).toEqual([expect.stringMatching(/^request body at \/select_query must be string/)]);
  });
});

describe('the vendor documents', () => {
  // Guards against a document edit (or a tolerance in document.ts) that leaves some schema uncompilable,
  // which would otherwise only surface when a simulator first answers that operation.
  it.each([
    ['Zoho', loadZohoSpec],
    ['Jira', loadJiraSpec],
  ])('%s: every documented JSON body schema compiles', (_name, load) => {
    const spec = load();
    const failures: string[] = [];
    let compiled = 0;
    for (const doc of spec.documents.values()) {
      const paths = isObject(doc.raw.paths) ? doc.raw.paths : {};
      for (const [template, item] of Object.entries(paths)) {
        if (!isObject(item)) continue;
        for (const [method, op] of Object.entries(item)) {
          if (!isObject(op)) continue;
          const operation = `/paths/${escapePointerToken(template)}/${method}`;
          const owners: Array<['request' | 'response', string]> = [['request', `${operation}/requestBody`]];
          if (isObject(op.responses))
            for (const status of Object.keys(op.responses))
              owners.push(['response', `${operation}/responses/${status}`]);
          for (const [direction, pointer] of owners) {
            const owner = deref(spec, { docId: doc.id, pointer });
            if (!owner || !isObject(owner.value.content)) continue;
            for (const [type, media] of Object.entries(owner.value.content)) {
              if (!isObject(media) || !isObject(media.schema)) continue;
              const location = {
                docId: owner.location.docId,
                pointer: `${owner.location.pointer}/content/${escapePointerToken(type)}/schema`,
              };
              try {
                spec.validator(direction, location);
                compiled++;
              } catch (error) {
                failures.push(`${method} ${template} ${pointer}: ${(error as Error).message}`);
              }
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(compiled).toBeGreaterThan(100);
  });
});
