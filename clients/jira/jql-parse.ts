// POST /rest/api/3/jql/parse: Jira's own check of JQL (syntax, fields, operators, values) in the context of
// the calling identity. The connector uses it to refuse an SCI's JQL filter before it is saved (F40), so the
// admin sees Jira's message instead of a sync that later fails on every search.
import { z } from 'zod';
import type { JiraHttp } from './http';

export const parsedJqlQuerySchema = z.looseObject({
  query: z.string(),
  /** The syntax tree; absent when the query is invalid. Only `orderBy` is read here. */
  structure: z.looseObject({ orderBy: z.looseObject({ fields: z.array(z.unknown()) }).optional() }).optional(),
  errors: z.array(z.string()).optional(),
  warnings: z.array(z.string()).optional(),
});
export type ParsedJqlQuery = z.infer<typeof parsedJqlQuerySchema>;

export const parsedJqlQueriesSchema = z.looseObject({ queries: z.array(parsedJqlQuerySchema) });

export interface ParseJqlOptions {
  /** strict: every error, no structure when invalid (Jira's default); warn; none: syntax only. */
  validation?: 'strict' | 'warn' | 'none';
  signal?: AbortSignal;
}

/** Parses and validates each query; the answers come back in the order asked. */
export async function parseJql(http: JiraHttp, queries: string[], opts: ParseJqlOptions = {}): Promise<ParsedJqlQuery[]> {
  const res = await http.request({
    method: 'POST',
    path: '/rest/api/3/jql/parse',
    query: { validation: opts.validation ?? 'strict' },
    json: { queries },
    schema: parsedJqlQueriesSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return res.queries;
}
