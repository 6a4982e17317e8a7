// What the host page shows of the sandbox Jira site, read from the Jira simulator's REST API like any
// client would: the issues of a project and one issue's fields.
import { z } from 'zod';

const adfNode = z.looseObject({
  type: z.string().optional(),
  text: z.string().optional(),
  content: z.array(z.unknown()).optional(),
});

const issueSchema = z.object({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string().nullable().optional(),
    description: z.unknown().optional(),
    status: z.looseObject({ name: z.string() }).nullable().optional(),
    issuetype: z.looseObject({ name: z.string(), id: z.string() }).nullable().optional(),
    project: z.looseObject({ key: z.string(), name: z.string(), id: z.string() }).nullable().optional(),
    priority: z.looseObject({ name: z.string() }).nullable().optional(),
    duedate: z.string().nullable().optional(),
    labels: z.array(z.string()).nullable().optional(),
    updated: z.string().nullable().optional(),
  }),
});
export type ViewIssue = z.infer<typeof issueSchema>;

const searchSchema = z.object({ issues: z.array(issueSchema) });

export interface JiraReader {
  issue(key: string): Promise<ViewIssue | undefined>;
  issues(jql: string): Promise<ViewIssue[]>;
}

/** Plain text of an ADF document (or a plain string), paragraphs on their own lines. */
export function adfText(value: unknown): string {
  if (typeof value === 'string') return value;
  const parsed = adfNode.safeParse(value);
  if (!parsed.success) return '';
  const node = parsed.data;
  if (node.type === 'text') return node.text ?? '';
  const inner = (node.content ?? []).map(adfText).join('');
  return node.type === 'paragraph' || node.type === 'heading' || node.type === 'listItem' ? `${inner}\n` : inner;
}

export function jiraReader(siteUrl: string, auth: { email: string; apiToken: string }): JiraReader {
  const authorization = `Basic ${Buffer.from(`${auth.email}:${auth.apiToken}`).toString('base64')}`;
  const fields = 'summary,description,status,issuetype,project,priority,duedate,labels,updated';
  const get = async (path: string) => fetch(`${siteUrl}/rest/api/3${path}`, { headers: { authorization, accept: 'application/json' } });
  return {
    async issue(key) {
      const res = await get(`/issue/${encodeURIComponent(key)}?fields=${fields}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`Jira simulator answered ${res.status} for issue ${key}`);
      return issueSchema.parse(await res.json());
    },
    async issues(jql) {
      const res = await get(`/search/jql?${new URLSearchParams({ jql, fields, maxResults: '50' }).toString()}`);
      if (!res.ok) throw new Error(`Jira simulator answered ${res.status} for a search`);
      return searchSchema.parse(await res.json()).issues;
    },
  };
}
