/**
 * Checks recorded HTTP exchanges (what a simulator saw and answered) against the vendors' own OpenAPI
 * documents in sandbox/openapi: the operation exists, path/query/header parameters are valid, the request
 * body fits the operation's schema for its content type, the status is documented and the JSON response
 * body fits the schema documented for that status.
 *
 * Tolerances for vendor looseness, each scoped as narrowly as we could:
 * - Zoho (`oneOfAsAnyOf`): Zoho's `oneOf` alternatives (record list vs API_Exception, success vs error item)
 *   declare almost no required properties, so any real body matches several alternatives; we read `oneOf`
 *   as `anyOf` for Zoho documents only, and an object alternative only counts when the value carries at
 *   least one property it declares (else API_Exception, all optional, would accept anything). Jira keeps
 *   strict `oneOf`.
 * - Zoho (`zohoErrorStatusTolerance`): Zoho lists its error envelopes under 200 but serves them with 4xx.
 *   A status the operation does not document is accepted when it is 4xx/5xx and the body is an error
 *   envelope (`status: "error"` at the top or in `data[]`) whose error entries validate against an error
 *   schema (one with `code`, `message`, `status`) documented for this operation under any status. Likewise an
 *   undocumented empty 204/304 is accepted when that error schema lists the `NO_CONTENT` / `Not Modified`
 *   code, which is how Zoho's documents describe those answers.
 *   Zoho also answers inserts with 201 and some actions with 202 where the documents list only 200: an
 *   undocumented 2xx (not 204) is validated against the documented 200 response.
 * - Zoho's cross-file $refs to documents not shipped here (tags.json) are read as "any value".
 * - Both: a documented status whose response declares no `content` is not checked for a body — Atlassian
 *   documents 401/404 without content while Jira answers them with a JSON error collection.
 * - OAuth 2.0 endpoints named in `securitySchemes` flows (Zoho's accounts `/oauth/v2/token`) have no path in
 *   the documents; they are checked against RFC 6749 (§4.1.1 authorize query, §4.1.3/§6 token request,
 *   §5.1/§5.2 token response). Zoho also accepts the token request's parameters in the query string and may
 *   answer errors with 200, so both are accepted. Zoho's revocation (`/oauth/v2/token/revoke`) and user info
 *   (`/oauth/user/info`) endpoints are checked against Zoho's accounts documentation.
 * - Jira: a few pure oneOf/anyOf wrappers (JqlQueryClause, WorkflowCondition, ...) also say
 *   `additionalProperties: false` without properties of their own, which would reject every value; that
 *   `additionalProperties` is dropped, the alternatives still apply.
 * - Both: 429 is accepted on every operation even where not listed (Jira lists it on 9 of ~600): both vendors
 *   document rate limiting globally, not per operation. Its body is not checked.
 * - OAS 3.0 readOnly properties are not required in requests, writeOnly ones not in responses.
 *
 * Problems never quote parameter or body values, and URLs in `assertConformant` have secret-looking query
 * values redacted, so tokens and OAuth codes cannot leak into test output.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpExchange } from '../../sandbox/shared/exchange';
import {
  createAjv,
  deref,
  isObject,
  loadDocuments,
  type JsonObject,
  type OpenApiSpec,
  type SchemaLocation,
  type SpecOptions,
} from './openapi/document';
import { findOperation } from './openapi/routing';

export type { OpenApiSpec, SpecOptions } from './openapi/document';

export interface CheckOptions {
  /** Maps the received path onto the documented one, e.g. to drop a simulator's data-center prefix. */
  stripPrefix?: (path: string) => string;
  /** Accept query parameters the operation does not document (default: they are problems). */
  allowUnknownQueryParams?: boolean;
  /**
   * Statuses accepted on any operation that does not document them, body unchecked — for tests that inject
   * faults (e.g. `[500, 503]`). 429 is always accepted (see the header).
   */
  acceptStatuses?: readonly number[];
}

export interface AssertOptions extends CheckOptions {
  /** An empty exchange list usually means the recording hook was not wired; it fails unless allowed. */
  allowEmpty?: boolean;
}

const ZOHO_DIR = fileURLToPath(new URL('../../sandbox/openapi/zoho-crm-v8/', import.meta.url));
const JIRA_FILE = fileURLToPath(new URL('../../sandbox/openapi/jira-cloud-v3/swagger-v3.v3.json', import.meta.url));
const ZOHO_BASE_URI = 'https://raw.githubusercontent.com/Zohocorp-Pvt-Ltd/crm-oas/refs/heads/main/v8.0/';

export function loadSpec(files: string[], options: SpecOptions = {}): OpenApiSpec {
  return loadDocuments(files, options);
}

let zohoSpec: OpenApiSpec | undefined;
let jiraSpec: OpenApiSpec | undefined;

export function loadZohoSpec(): OpenApiSpec {
  zohoSpec ??= loadSpec(
    readdirSync(ZOHO_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(ZOHO_DIR, f)),
    {
      name: 'Zoho CRM v8',
      baseUri: ZOHO_BASE_URI,
      oneOfAsAnyOf: true,
      zohoErrorStatusTolerance: true,
      componentsOnly: ['common.json'],
      accountsEndpoints: { revoke: '/oauth/v2/token/revoke', userInfo: '/oauth/user/info' },
    },
  );
  return zohoSpec;
}

export function loadJiraSpec(): OpenApiSpec {
  jiraSpec ??= loadSpec([JIRA_FILE], { name: 'Jira Cloud v3' });
  return jiraSpec;
}

// ---------------------------------------------------------------------------------------------------------

type Headers = HttpExchange['requestHeaders'] | HttpExchange['responseHeaders'];

function header(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : String(value);
  }
  return undefined;
}

function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

const isJsonType = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

/** The documented content key that admits `type` (exact, then `type/*`, then `*\/*`). */
function matchContent(content: JsonObject, type: string): string | undefined {
  const keys = Object.keys(content);
  const norm = (k: string): string => mediaType(k) ?? k;
  return (
    keys.find((k) => norm(k) === type) ??
    keys.find((k) => norm(k) === `${type.split('/')[0] ?? ''}/*`) ??
    keys.find((k) => norm(k) === '*/*')
  );
}

const hasBody = (body: unknown): boolean => body !== undefined && body !== '';

function formatErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  const lines = (errors ?? []).slice(0, 8).map((e) => {
    const path = e.instancePath === '' ? '' : ` at ${e.instancePath}`;
    const params = e.params as Record<string, unknown>;
    let extra = '';
    if (Array.isArray(params.allowedValues)) extra = ` (${params.allowedValues.slice(0, 10).map(String).join(', ')})`;
    if (typeof params.additionalProperty === 'string') extra = ` (${params.additionalProperty})`;
    return `${where}${path} ${e.message ?? 'is invalid'}${extra}`;
  });
  const more = (errors?.length ?? 0) - lines.length;
  if (more > 0) lines.push(`${where}: ${more} more schema error(s)`);
  return lines;
}

function validate(validateFn: ValidateFunction, value: unknown, where: string): string[] {
  return validateFn(value) ? [] : formatErrors(where, validateFn.errors);
}

function child(location: SchemaLocation, ...tokens: string[]): SchemaLocation {
  const escaped = tokens.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1'));
  return { docId: location.docId, pointer: [location.pointer, ...escaped].join('/') };
}

// Parameters ------------------------------------------------------------------------------------------------

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  explode: boolean;
  schema: SchemaLocation | undefined;
}

function collectParameters(spec: OpenApiSpec, pathItem: SchemaLocation, operation: SchemaLocation): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const owner of [pathItem, operation]) {
    const list = deref(spec, owner)?.value.parameters;
    if (!Array.isArray(list)) continue;
    for (const [i] of list.entries()) {
      const resolved = deref(spec, child(owner, 'parameters', String(i)));
      if (!resolved) continue;
      const p = resolved.value;
      if (typeof p.name !== 'string' || typeof p.in !== 'string') continue;
      const style = typeof p.style === 'string' ? p.style : 'form';
      byKey.set(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, {
        name: p.name,
        in: p.in,
        required: p.required === true || p.in === 'path',
        explode: typeof p.explode === 'boolean' ? p.explode : style === 'form',
        schema: isObject(p.schema) ? child(resolved.location, 'schema') : undefined,
      });
    }
  }
  return [...byKey.values()];
}

function schemaType(spec: OpenApiSpec, location: SchemaLocation): { type: unknown; items?: SchemaLocation } {
  const resolved = deref(spec, location);
  if (!resolved) return { type: undefined };
  const s = resolved.value;
  const type =
    s.type ??
    (Array.isArray(s.allOf) && s.allOf.length === 1
      ? schemaType(spec, child(resolved.location, 'allOf', '0')).type
      : undefined);
  return isObject(s.items) ? { type, items: child(resolved.location, 'items') } : { type };
}

function coerceScalar(spec: OpenApiSpec, location: SchemaLocation | undefined, raw: string): unknown {
  const { type } = location ? schemaType(spec, location) : { type: undefined };
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** Turns the string form of a parameter into the value its schema describes (OAS 3.0 form/simple styles). */
function coerceParameter(
  spec: OpenApiSpec,
  param: Parameter,
  raws: string[],
): { value: unknown } | { problem: string } {
  const { type, items } = param.schema ? schemaType(spec, param.schema) : { type: undefined };
  if (type === 'array') {
    const parts = param.explode && param.in === 'query' ? raws : raws.flatMap((r) => r.split(','));
    return { value: parts.map((p) => coerceScalar(spec, items, p)) };
  }
  if (raws.length > 1) return { problem: `${param.in} parameter ${param.name} is given ${raws.length} times` };
  return { value: coerceScalar(spec, param.schema, raws[0] ?? '') };
}

function checkParameters(
  spec: OpenApiSpec,
  params: Parameter[],
  exchange: HttpExchange,
  pathParams: Record<string, string>,
  query: URLSearchParams,
  options: CheckOptions,
): string[] {
  const problems: string[] = [];
  for (const param of params) {
    let raws: string[];
    if (param.in === 'path') raws = pathParams[param.name] === undefined ? [] : [pathParams[param.name] ?? ''];
    else if (param.in === 'query') raws = query.getAll(param.name);
    else if (param.in === 'header') {
      const value = header(exchange.requestHeaders, param.name);
      raws = value === undefined ? [] : [value];
    } else continue; // cookie parameters are not used by either vendor's clients
    if (raws.length === 0) {
      if (param.required) problems.push(`required ${param.in} parameter ${param.name} is missing`);
      continue;
    }
    if (!param.schema) continue;
    const coerced = coerceParameter(spec, param, raws);
    if ('problem' in coerced) {
      problems.push(coerced.problem);
      continue;
    }
    problems.push(
      ...validate(spec.validator('request', param.schema), coerced.value, `${param.in} parameter ${param.name}`),
    );
  }
  if (!options.allowUnknownQueryParams) {
    const known = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(query.keys())) {
      if (!known.has(name)) problems.push(`query parameter ${name} is not documented for this operation`);
    }
  }
  return problems;
}

// Bodies ------------------------------------------------------------------------------------------------------

function checkRequestBody(spec: OpenApiSpec, operation: SchemaLocation, exchange: HttpExchange): string[] {
  const op = deref(spec, operation);
  const bodyRef = op && isObject(op.value.requestBody) ? deref(spec, child(op.location, 'requestBody')) : undefined;
  const type = mediaType(header(exchange.requestHeaders, 'content-type'));
  // A binary or streamed body is recorded as undefined; its content-type still tells us one was sent.
  const present = hasBody(exchange.requestBody) || (exchange.requestBody === undefined && type !== undefined);
  if (!bodyRef) return present ? ['request has a body but the operation documents none'] : [];
  const content = bodyRef.value.content;
  if (!present) return bodyRef.value.required === true ? ['request body is required but missing'] : [];
  if (!isObject(content)) return [];
  const effectiveType = type ?? (typeof exchange.requestBody === 'object' ? 'application/json' : undefined);
  if (!effectiveType) return ['request has a body but no content-type'];
  const key = matchContent(content, effectiveType);
  if (!key)
    return [`request content-type ${effectiveType} is not documented (documented: ${Object.keys(content).join(', ')})`];
  if (!isJsonType(effectiveType) || exchange.requestBody === undefined) return [];
  const media = content[key];
  if (!isObject(media) || !isObject(media.schema)) return [];
  return validate(
    spec.validator('request', child(bodyRef.location, 'content', key, 'schema')),
    exchange.requestBody,
    'request body',
  );
}

/** Locations of error-envelope schemas (properties code, message and status) reachable from a response schema. */
function errorSchemas(
  spec: OpenApiSpec,
  location: SchemaLocation,
  depth = 0,
  out: SchemaLocation[] = [],
): SchemaLocation[] {
  if (depth > 6) return out;
  const resolved = deref(spec, location);
  if (!resolved) return out;
  const s = resolved.value;
  const props = s.properties;
  if (isObject(props) && 'code' in props && 'message' in props && 'status' in props) {
    if (!out.some((l) => l.docId === resolved.location.docId && l.pointer === resolved.location.pointer))
      out.push(resolved.location);
    return out;
  }
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    const list = s[combinator];
    if (Array.isArray(list))
      list.forEach((_, i) => errorSchemas(spec, child(resolved.location, combinator, String(i)), depth + 1, out));
  }
  if (isObject(s.items)) errorSchemas(spec, child(resolved.location, 'items'), depth + 1, out);
  if (isObject(props) && isObject(props.data))
    errorSchemas(spec, child(resolved.location, 'properties', 'data'), depth + 1, out);
  return out;
}

function documentedJsonSchemas(
  spec: OpenApiSpec,
  responses: { value: JsonObject; location: SchemaLocation },
): SchemaLocation[] {
  const found: SchemaLocation[] = [];
  for (const status of Object.keys(responses.value)) {
    const response = deref(spec, child(responses.location, status));
    const content = response?.value.content;
    if (!response || !isObject(content)) continue;
    for (const [key, media] of Object.entries(content)) {
      if (isJsonType(mediaType(key) ?? key) && isObject(media) && isObject(media.schema))
        found.push(child(response.location, 'content', key, 'schema'));
    }
  }
  return found;
}

function codeEnumAllows(spec: OpenApiSpec, errorSchema: SchemaLocation, code: string): boolean {
  const codeSchema = deref(spec, child(errorSchema, 'properties', 'code'));
  const values = codeSchema?.value.enum;
  return !Array.isArray(values) || values.includes(code);
}

/** See the header: Zoho's error envelopes under statuses its documents only list under 200. */
function zohoUndocumentedStatus(
  spec: OpenApiSpec,
  responses: { value: JsonObject; location: SchemaLocation },
  exchange: HttpExchange,
): string[] | undefined {
  const errors = documentedJsonSchemas(spec, responses).flatMap((l) => errorSchemas(spec, l));
  if (errors.length === 0) return undefined;
  if ((exchange.status === 204 || exchange.status === 304) && !hasBody(exchange.responseBody)) {
    const code = exchange.status === 204 ? 'NO_CONTENT' : 'Not Modified';
    return errors.some((e) => codeEnumAllows(spec, e, code)) ? [] : undefined;
  }
  if (exchange.status < 400 || !isObject(exchange.responseBody)) return undefined;
  const body = exchange.responseBody;
  const isError = (v: unknown): boolean => isObject(v) && v.status === 'error';
  const entries = isError(body) ? [body] : Array.isArray(body.data) ? body.data.filter(isError) : [];
  if (entries.length === 0) return undefined;
  const problems: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const attempts = errors.map((e) =>
      validate(
        spec.validator('response', e),
        entry,
        entries.length > 1 ? `response error entry ${i}` : 'response error body',
      ),
    );
    if (!attempts.some((a) => a.length === 0)) problems.push(...(attempts[0] ?? []));
  }
  return problems;
}

function checkResponse(
  spec: OpenApiSpec,
  operation: SchemaLocation,
  exchange: HttpExchange,
  options: CheckOptions,
): string[] {
  const op = deref(spec, operation);
  const responses = op && isObject(op.value.responses) ? deref(spec, child(op.location, 'responses')) : undefined;
  if (!responses) return ['operation documents no responses'];
  const status = String(exchange.status);
  let key = [status, `${status[0] ?? ''}XX`, `${status[0] ?? ''}xx`, 'default'].find((k) => k in responses.value);
  // See the header: Zoho answers inserts with 201 (and some actions with 202) where its documents say 200.
  if (
    !key &&
    spec.options.zohoErrorStatusTolerance &&
    exchange.status > 200 &&
    exchange.status < 300 &&
    exchange.status !== 204 &&
    '200' in responses.value
  )
    key = '200';
  if (!key && (exchange.status === 429 || options.acceptStatuses?.includes(exchange.status))) return [];
  if (!key) {
    const tolerated = spec.options.zohoErrorStatusTolerance
      ? zohoUndocumentedStatus(spec, responses, exchange)
      : undefined;
    return (
      tolerated ?? [
        `response status ${status} is not documented (documented: ${Object.keys(responses.value).join(', ')})`,
      ]
    );
  }
  const response = deref(spec, child(responses.location, key));
  const content = response?.value.content;
  if (!response || !isObject(content) || Object.keys(content).length === 0) return [];
  if (!hasBody(exchange.responseBody)) return [];
  const type = mediaType(header(exchange.responseHeaders, 'content-type'));
  if (!type) return ['response has a body but no content-type'];
  const mediaKey = matchContent(content, type);
  if (!mediaKey)
    return [
      `response content-type ${type} is not documented for status ${key} (documented: ${Object.keys(content).join(', ')})`,
    ];
  const media = content[mediaKey];
  if (!isJsonType(type) || !isObject(media) || !isObject(media.schema)) return [];
  return validate(
    spec.validator('response', child(response.location, 'content', mediaKey, 'schema')),
    exchange.responseBody,
    `response body (${status})`,
  );
}

// OAuth endpoints ---------------------------------------------------------------------------------------------

type OAuthEndpoint = 'authorize' | 'token' | 'revoke' | 'userInfo';

const oauthPaths = new WeakMap<OpenApiSpec, Map<string, OAuthEndpoint>>();

function oauthEndpoint(spec: OpenApiSpec, path: string): OAuthEndpoint | undefined {
  let paths = oauthPaths.get(spec);
  if (!paths) {
    paths = collectOAuthPaths(spec);
    oauthPaths.set(spec, paths);
  }
  return paths.get(path);
}

function collectOAuthPaths(spec: OpenApiSpec): Map<string, OAuthEndpoint> {
  const paths = new Map<string, OAuthEndpoint>();
  const extra = spec.options.accountsEndpoints;
  if (extra?.revoke) paths.set(extra.revoke, 'revoke');
  if (extra?.userInfo) paths.set(extra.userInfo, 'userInfo');
  for (const doc of spec.documents.values()) {
    const schemes = isObject(doc.raw.components) ? doc.raw.components.securitySchemes : undefined;
    if (!isObject(schemes)) continue;
    for (const scheme of Object.values(schemes)) {
      if (!isObject(scheme) || !isObject(scheme.flows)) continue;
      for (const flow of Object.values(scheme.flows)) {
        if (!isObject(flow)) continue;
        const add = (u: unknown, kind: OAuthEndpoint): void => {
          if (typeof u === 'string') paths.set(new URL(u).pathname, kind);
        };
        add(flow.authorizationUrl, 'authorize');
        add(flow.tokenUrl, 'token');
        add(flow.refreshUrl, 'token');
      }
    }
  }
  return paths;
}

let tokenResponseValidator: ValidateFunction | undefined;

function checkOAuth(endpoint: OAuthEndpoint, exchange: HttpExchange, query: URLSearchParams): string[] {
  const problems: string[] = [];
  const method = exchange.method.toUpperCase();
  if (endpoint === 'authorize') {
    if (method !== 'GET') problems.push(`OAuth authorization endpoint expects GET, not ${method}`);
    for (const name of ['response_type', 'client_id'])
      if (!query.has(name)) problems.push(`OAuth authorization request lacks ${name}`);
    return problems;
  }
  if (endpoint === 'userInfo') {
    // Zoho: GET {accounts}/oauth/user/info with the access token; answers a JSON profile object.
    if (method !== 'GET') problems.push(`OAuth user info endpoint expects GET, not ${method}`);
    if (header(exchange.requestHeaders, 'authorization') === undefined)
      problems.push('OAuth user info request lacks an authorization header');
    if (exchange.status === 200 && !isObject(exchange.responseBody))
      problems.push('OAuth user info response is not a JSON object');
    return problems;
  }
  if (method !== 'POST') problems.push(`OAuth ${endpoint} endpoint expects POST, not ${method}`);
  const type = mediaType(header(exchange.requestHeaders, 'content-type'));
  const form = new URLSearchParams(query);
  if (typeof exchange.requestBody === 'string' && exchange.requestBody !== '') {
    if (type !== 'application/x-www-form-urlencoded')
      problems.push(`OAuth token request body must be application/x-www-form-urlencoded, not ${type ?? 'untyped'}`);
    for (const [k, v] of new URLSearchParams(exchange.requestBody)) form.append(k, v);
  } else if (hasBody(exchange.requestBody)) {
    problems.push('OAuth token request body must be application/x-www-form-urlencoded');
  }
  if (endpoint === 'revoke') {
    // Zoho: POST {accounts}/oauth/v2/token/revoke?token=...; 200 {"status":"success"}, 400 for a bad token.
    if (!form.has('token')) problems.push('OAuth revocation request lacks token');
    if (exchange.status === 200 && !(isObject(exchange.responseBody) && exchange.responseBody.status === 'success')) {
      problems.push('OAuth revocation response (200) is not {"status":"success"}');
    } else if (exchange.status !== 200 && exchange.status !== 400) {
      problems.push(`OAuth revocation response status ${exchange.status} is not 200 or 400`);
    }
    return problems;
  }
  const grant = form.get('grant_type');
  if (grant === null) problems.push('OAuth token request lacks grant_type');
  else if (grant === 'authorization_code' && !form.has('code'))
    problems.push('OAuth authorization_code grant lacks code');
  else if (grant === 'refresh_token' && !form.has('refresh_token'))
    problems.push('OAuth refresh_token grant lacks refresh_token');
  tokenResponseValidator ??= createAjv().compile({
    anyOf: [
      {
        type: 'object',
        required: ['access_token', 'token_type'],
        properties: {
          access_token: { type: 'string' },
          token_type: { type: 'string' },
          expires_in: { type: 'number' },
          refresh_token: { type: 'string' },
          scope: { type: 'string' },
        },
      },
      {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'string' }, error_description: { type: 'string' } },
      },
    ],
  });
  if (![200, 400, 401].includes(exchange.status))
    problems.push(`OAuth token response status ${exchange.status} is not one RFC 6749 §5 allows`);
  problems.push(...validate(tokenResponseValidator, exchange.responseBody, 'OAuth token response'));
  return problems;
}

// Public API ----------------------------------------------------------------------------------------------------

/** Every way `exchange` departs from `spec`, as sentences; empty when it conforms. */
export function checkExchange(spec: OpenApiSpec, exchange: HttpExchange, options: CheckOptions = {}): string[] {
  const url = new URL(exchange.url, 'http://exchange.invalid');
  const path = options.stripPrefix ? options.stripPrefix(url.pathname) : url.pathname;
  const method = exchange.method.toUpperCase();
  const oauth = oauthEndpoint(spec, path);
  if (oauth) return checkOAuth(oauth, exchange, url.searchParams);
  const found = findOperation(spec, method, path);
  if (found.kind === 'no-path') return [`no operation in ${spec.name} documents ${method} ${path}`];
  if (found.kind === 'method-not-documented') {
    return [`${method} is not documented for ${found.templates.join(' / ')} (documented: ${found.methods.join(', ')})`];
  }
  const { match } = found;
  const params = collectParameters(spec, match.pathItem, match.operation);
  return [
    ...checkParameters(spec, params, exchange, match.pathParams, url.searchParams, options),
    ...checkRequestBody(spec, match.operation, exchange),
    ...checkResponse(spec, match.operation, exchange, options),
  ].map((p) => `${p} [${method} ${match.template}]`);
}

const SECRET_QUERY = /secret|token|password|^code$|assertion|credential|auth/i;

/** The exchange URL with secret-looking query values replaced, safe for test output. */
export function redactUrl(rawUrl: string): string {
  const url = new URL(rawUrl, 'http://exchange.invalid');
  for (const key of new Set(url.searchParams.keys())) {
    if (SECRET_QUERY.test(key)) url.searchParams.set(key, 'REDACTED');
  }
  return `${url.pathname}${url.search}`;
}

/** Throws one error listing every problem across `exchanges`, each with method and (redacted) URL. */
export function assertConformant(
  spec: OpenApiSpec,
  exchanges: readonly HttpExchange[],
  options: AssertOptions = {},
): void {
  if (exchanges.length === 0 && !options.allowEmpty) {
    throw new Error(`no exchanges were recorded to check against ${spec.name}; is the onExchange hook wired?`);
  }
  const lines: string[] = [];
  for (const exchange of exchanges) {
    for (const problem of checkExchange(spec, exchange, options)) {
      lines.push(`${exchange.method.toUpperCase()} ${redactUrl(exchange.url)} -> ${exchange.status}: ${problem}`);
    }
  }
  if (lines.length > 0) {
    throw new Error(`${lines.length} OpenAPI conformance problem(s) against ${spec.name}:\n  ${lines.join('\n  ')}`);
  }
}
