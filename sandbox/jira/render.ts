// Renders the store's records in Jira REST v3 shapes. `base` is the URL prefix the caller used (the site,
// or `/ex/jira/{cloudId}`), so `self` links lead back the way the caller came.
import { fieldById, formatJiraDate, type ChangelogEntry, type JiraStore, type SimAttachment, type SimComment, type SimIssue } from './store';
import {
  FIELDS,
  ISSUE_TYPES,
  PRIORITIES,
  RESOLUTIONS,
  STATUS_CATEGORIES,
  STATUSES,
  type SimField,
  type SimIssueType,
  type SimProject,
  type SimStatus,
  type SimTransition,
  type SimUser,
} from './seed';

export type Json = Record<string, unknown>;

const avatarUrls = (base: string, kind: string, id: string) =>
  Object.fromEntries(['48x48', '24x24', '16x16', '32x32'].map((s) => [s, `${base}/secure/${kind}avatar?size=${s}&avatarId=${id}`]));

export function renderUser(base: string, u: SimUser | undefined): Json | null {
  if (!u) return null;
  return {
    self: `${base}/rest/api/3/user?accountId=${encodeURIComponent(u.accountId)}`,
    accountId: u.accountId,
    ...(u.emailAddress ? { emailAddress: u.emailAddress } : {}),
    avatarUrls: avatarUrls(base, 'user', u.accountId.slice(-6)),
    displayName: u.displayName,
    active: true,
    timeZone: u.timeZone,
    accountType: u.accountType,
  };
}

export function renderStatus(base: string, s: SimStatus): Json {
  const c = STATUS_CATEGORIES[s.category];
  return {
    self: `${base}/rest/api/3/status/${s.id}`,
    description: s.description,
    iconUrl: `${base}/images/icons/statuses/generic.png`,
    name: s.name,
    id: s.id,
    statusCategory: { self: `${base}/rest/api/3/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name },
  };
}

export function renderIssueType(base: string, t: SimIssueType): Json {
  return {
    self: `${base}/rest/api/3/issuetype/${t.id}`,
    id: t.id,
    description: t.description,
    iconUrl: base + t.iconUrl,
    name: t.name,
    subtask: false,
    avatarId: t.avatarId,
    hierarchyLevel: 0,
  };
}

export function renderProject(base: string, p: SimProject, opts: { issueTypes?: boolean; lead?: SimUser } = {}): Json {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${base}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    avatarUrls: avatarUrls(base, 'project', p.id),
    projectTypeKey: p.projectTypeKey,
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
    ...(opts.lead ? { lead: renderUser(base, opts.lead) } : {}),
    ...(opts.issueTypes ? { issueTypes: p.issueTypeIds.map((id) => renderIssueType(base, ISSUE_TYPES.find((t) => t.id === id)!)) } : {}),
  };
}

export function renderField(f: SimField): Json {
  return {
    id: f.id,
    key: f.id,
    name: f.name,
    custom: f.custom,
    orderable: f.editable,
    navigable: f.id !== 'comment',
    searchable: true,
    clauseNames: f.clauseNames,
    schema: f.schema,
  };
}

export function renderAttachment(base: string, store: JiraStore, a: SimAttachment): Json {
  return {
    self: `${base}/rest/api/3/attachment/${a.id}`,
    id: a.id,
    filename: a.filename,
    author: renderUser(base, store.user(a.authorId)),
    created: formatJiraDate(a.created),
    size: a.size,
    mimeType: a.mimeType,
    content: `${base}/rest/api/3/attachment/content/${a.id}`,
  };
}

export function renderComment(base: string, store: JiraStore, issue: SimIssue, c: SimComment, expand: string[] = []): Json {
  return {
    self: `${base}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: renderUser(base, store.user(c.authorId)),
    body: c.body,
    updateAuthor: renderUser(base, store.user(c.updateAuthorId)),
    created: formatJiraDate(c.created),
    updated: formatJiraDate(c.updated),
    jsdPublic: true,
    ...(c.visibility ? { visibility: { ...c.visibility, identifier: c.visibility.value } } : {}),
    ...(expand.includes('properties') ? { properties: [...c.properties].map(([key, value]) => ({ key, value })) } : {}),
  };
}

export function renderChangelogEntry(base: string, store: JiraStore, e: ChangelogEntry): Json {
  return {
    id: e.id,
    author: renderUser(base, store.user(e.authorId)),
    created: formatJiraDate(e.created),
    items: e.items,
  };
}

export function renderTransition(base: string, t: SimTransition, withFields: boolean): Json {
  const to = STATUSES.find((s) => s.id === t.to)!;
  return {
    id: t.id,
    name: t.name,
    to: renderStatus(base, to),
    hasScreen: t.requiredFields.length > 0,
    isGlobal: !t.from,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
    ...(withFields
      ? {
          fields: Object.fromEntries(
            t.requiredFields.map((fid) => [
              fid,
              {
                required: true,
                schema: { type: 'resolution', system: 'resolution' },
                name: 'Resolution',
                key: fid,
                operations: ['set'],
                allowedValues: RESOLUTIONS.map((r) => ({ self: `${base}/rest/api/3/resolution/${r.id}`, ...r })),
              },
            ]),
          ),
        }
      : {}),
  };
}

/** Value of one field in REST shape (null when empty, as Jira sends). */
export function renderFieldValue(base: string, store: JiraStore, issue: SimIssue, id: string): unknown {
  const v = issue.values[id];
  switch (id) {
    case 'issuetype':
      return renderIssueType(base, ISSUE_TYPES.find((t) => t.id === issue.issueTypeId)!);
    case 'project':
      return renderProject(base, store.projects.get(issue.projectId)!);
    case 'status':
      return renderStatus(base, STATUSES.find((s) => s.id === issue.statusId)!);
    case 'resolution': {
      const r = RESOLUTIONS.find((x) => x.id === v);
      return r ? { self: `${base}/rest/api/3/resolution/${r.id}`, ...r } : null;
    }
    case 'priority': {
      const p = PRIORITIES.find((x) => x.id === v);
      return p ? { self: `${base}/rest/api/3/priority/${p.id}`, iconUrl: `${base}/images/icons/priorities/${p.name.toLowerCase()}.svg`, ...p } : null;
    }
    case 'creator':
      return renderUser(base, store.user(issue.creatorId));
    case 'reporter':
      return renderUser(base, store.user(issue.reporterId));
    case 'assignee':
      return typeof v === 'string' ? renderUser(base, store.user(v)) : null;
    case 'created':
      return formatJiraDate(issue.created);
    case 'updated':
      return formatJiraDate(issue.updated);
    case 'resolutiondate':
      return issue.resolutionDate === null ? null : formatJiraDate(issue.resolutionDate);
    case 'comment':
      return {
        comments: issue.comments.map((c) => renderComment(base, store, issue, c)),
        self: `${base}/rest/api/3/issue/${issue.id}/comment`,
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      };
    case 'attachment':
      return issue.attachments.map((a) => renderAttachment(base, store, a));
    case 'labels':
      return v ?? [];
  }
  const field = fieldById(id);
  if (field?.kind === 'option') {
    const o = field.options?.find((x) => x.id === v);
    return o ? { self: `${base}/rest/api/3/customFieldOption/${o.id}`, value: o.value, id: o.id } : null;
  }
  if (field?.kind === 'datetime') return typeof v === 'number' ? formatJiraDate(v) : null;
  return v ?? null;
}

/**
 * Which field ids a `fields` parameter selects: default all (`*all`), `*navigable`, explicit ids, and
 * `-id` exclusions. Unknown ids are ignored, as Jira does.
 */
export function selectFields(requested: string[] | undefined, defaultAll: boolean): string[] {
  const all = FIELDS.map((f) => f.id);
  if (!requested || requested.length === 0) return defaultAll ? all : [];
  let selected = new Set<string>();
  for (const r of requested) {
    if (r === '*all') selected = new Set(all);
    else if (r === '*navigable') for (const f of FIELDS) if (f.id !== 'comment') selected.add(f.id);
  }
  for (const r of requested) {
    if (r.startsWith('-')) selected.delete(r.slice(1));
    else if (!r.startsWith('*') && all.includes(r)) selected.add(r);
  }
  return [...selected];
}

export interface IssueRenderOptions {
  fields: string[];
  expand: string[];
  properties: string[];
  /** Search answers omit key/self when only the id is asked for. */
  idOnly?: boolean;
}

export function renderIssue(base: string, store: JiraStore, issue: SimIssue, opts: IssueRenderOptions): Json {
  if (opts.idOnly) return { id: issue.id };
  const fields: Json = {};
  for (const id of opts.fields) fields[id] = renderFieldValue(base, store, issue, id);
  if (opts.fields.includes('status')) fields.statuscategorychangedate = formatJiraDate(issue.statusCategoryChanged);
  const out: Json = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${base}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
  if (opts.expand.includes('names')) out.names = Object.fromEntries(opts.fields.map((id) => [id, fieldById(id)?.name ?? id]));
  if (opts.expand.includes('schema')) out.schema = Object.fromEntries(opts.fields.map((id) => [id, fieldById(id)?.schema]));
  if (opts.expand.includes('changelog')) {
    out.changelog = {
      startAt: 0,
      maxResults: issue.changelog.length,
      total: issue.changelog.length,
      histories: [...issue.changelog].reverse().map((e) => renderChangelogEntry(base, store, e)),
    };
  }
  if (opts.expand.includes('transitions')) {
    out.transitions = store.transitionsFor(issue).map((t) => renderTransition(base, t, opts.expand.includes('transitions.fields')));
  }
  if (opts.properties.length) {
    const wanted = opts.properties.includes('*all') ? [...issue.properties.keys()] : opts.properties;
    out.properties = Object.fromEntries(wanted.filter((k) => issue.properties.has(k)).map((k) => [k, issue.properties.get(k)]));
  }
  return out;
}

export function statusList(): SimStatus[] {
  return STATUSES;
}
