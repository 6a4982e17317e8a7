// The values a Jira field can take, for value mapping (F41): priorities (GET /rest/api/3/priority/search),
// select and multi-select options (the field's contexts, then each context's options:
// GET /rest/api/3/field/{fieldId}/context and …/context/{contextId}/option) and labels in use
// (GET /rest/api/3/label). Each is paged; pages are read up to a bound.
import { z } from 'zod';
import type { JiraHttp } from './http';

interface Signal {
  signal?: AbortSignal;
}
const withSignal = (opts: Signal) => (opts.signal ? { signal: opts.signal } : {});

const page = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    values: z.array(item),
    isLast: z.boolean().optional(),
    startAt: z.number().optional(),
    total: z.number().optional(),
  });

export const prioritySchema = z.looseObject({ id: z.string(), name: z.string(), isDefault: z.boolean().optional() });
export type JiraPriority = z.infer<typeof prioritySchema>;
const contextSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  isGlobalContext: z.boolean().optional(),
});
export const fieldOptionSchema = z.looseObject({
  id: z.string(),
  value: z.string(),
  disabled: z.boolean().optional(),
  optionId: z.string().optional(),
});
export type JiraFieldOption = z.infer<typeof fieldOptionSchema>;

const MAX_PAGES = 20;

async function allPages<T>(
  read: (startAt: number) => Promise<{ values: T[]; isLast?: boolean | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await read(all.length);
    all.push(...res.values);
    if (res.isLast !== false || res.values.length === 0) break;
  }
  return all;
}

/** Every priority of the site. */
export async function listPriorities(http: JiraHttp, opts: Signal = {}): Promise<JiraPriority[]> {
  return allPages((startAt) =>
    http.request({
      method: 'GET',
      path: '/rest/api/3/priority/search',
      query: { startAt, maxResults: 100 },
      schema: page(prioritySchema),
      ...withSignal(opts),
    }),
  );
}

/** The options of a select / multi-select custom field across its contexts (enabled, not cascading children). */
export async function listFieldOptions(http: JiraHttp, fieldId: string, opts: Signal = {}): Promise<JiraFieldOption[]> {
  const field = encodeURIComponent(fieldId);
  const contexts = await allPages((startAt) =>
    http.request({
      method: 'GET',
      path: `/rest/api/3/field/${field}/context`,
      query: { startAt, maxResults: 100 },
      schema: page(contextSchema),
      ...withSignal(opts),
    }),
  );
  const seen = new Map<string, JiraFieldOption>();
  for (const c of contexts) {
    const options = await allPages((startAt) =>
      http.request({
        method: 'GET',
        path: `/rest/api/3/field/${field}/context/${encodeURIComponent(c.id)}/option`,
        query: { startAt, maxResults: 100 },
        schema: page(fieldOptionSchema),
        ...withSignal(opts),
      }),
    );
    for (const o of options) if (!o.disabled && !o.optionId && !seen.has(o.value)) seen.set(o.value, o);
  }
  return [...seen.values()];
}

/** Labels in use on the site. */
export async function listLabels(http: JiraHttp, opts: Signal = {}): Promise<string[]> {
  return allPages((startAt) =>
    http.request({
      method: 'GET',
      path: '/rest/api/3/label',
      query: { startAt, maxResults: 1000 },
      schema: page(z.string()),
      ...withSignal(opts),
    }),
  );
}
