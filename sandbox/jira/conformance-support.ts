// Test support: checks the simulator's recorded exchanges against Atlassian's OpenAPI document.
import { checkExchange, loadJiraSpec, redactUrl, type CheckOptions } from '../../test/support/openapi-conformance';
import type { HttpExchange } from '../shared/exchange';

const stripPrefix = (path: string) => path.replace(/^\/ex\/jira\/[^/]+/, '');

/** Only Jira's own API (REST v3 and Forge app properties) is in the document; the control surface and the JWKS are the sandbox's. */
export function restExchanges(exchanges: readonly HttpExchange[]): HttpExchange[] {
  return exchanges.filter((e) => /^(\/ex\/jira\/[^/]+)?\/rest\/(api\/3|forge\/1)\//.test(e.url));
}

/**
 * A request with a `content-type` but no content: jira.js sends `Content-Type: application/json` on every
 * non-GET request, a body-less DELETE included. The generic check takes a content-type with no recorded body
 * for a streamed one; when the request also had no `content-length` (or 0) and no `transfer-encoding`, no
 * body was sent at all, which is what the operation documents.
 */
function sentNoBody(e: HttpExchange): boolean {
  const h = e.requestHeaders;
  const length = h['content-length'];
  return e.requestBody === undefined && h['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/**
 * Atlassian's `ChangeDetails` types `from`, `fromString`, `to` and `toString` as plain strings, yet Jira
 * sends null when the field was or became empty (documented for the same items in Forge's
 * avi:jira:updated:issue: "or null when a field was empty"). Only that exact case is excused: a "must be
 * string" problem at a changelog item's from/to/fromString/toString whose value is null.
 */
const CHANGELOG_NULL = /^response body \(200\) at (\/changelog\/histories|\/values)\/(\d+)\/items\/(\d+)\/(from|fromString|to|toString) must be string /;

function pointer(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Conformance problems of Jira REST exchanges (the `/ex/jira/{cloudId}` prefix removed), minus the excuse above. */
export function jiraConformanceProblems(recorded: readonly HttpExchange[], options: CheckOptions = {}): string[] {
  const out: string[] = [];
  for (const e of recorded) {
    for (const p of checkExchange(loadJiraSpec(), e, { stripPrefix, ...options })) {
      const m = CHANGELOG_NULL.exec(p);
      if (m && pointer(e.responseBody, [...m[1]!.split('/').slice(1), m[2]!, 'items', m[3]!, m[4]!]) === null) continue;
      if (p.startsWith('request has a body but the operation documents none') && sentNoBody(e)) continue;
      out.push(`${e.method} ${redactUrl(e.url)} -> ${e.status}: ${p}`);
    }
  }
  return out;
}

