// The simulator's Jira site: projects, workflows, issues, comments, attachments and properties, held in
// memory. Writes validate like Jira (field errors in `errors`, general ones in `errorMessages`) and report
// what changed, so the server can answer and the Forge side can publish the matching event.
import type { IndexedPropertyValue } from './entity-properties';
import { adfPlainText, adfProblem } from './adf-validate';
import { SearchIndex } from './search-index';
import {
  APP_USER,
  FIELDS,
  ISSUE_TYPES,
  PRIORITIES,
  PROJECTS,
  RESOLUTIONS,
  SEED_ISSUES,
  STATUSES,
  USERS,
  type SimField,
  type SimProject,
  type SimTransition,
  type SimUser,
} from './seed';

/** An error Jira would answer with: status plus the `{errorMessages, errors}` envelope. */
export class JiraApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[] = [],
    readonly errors: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(errorMessages[0] ?? Object.values(errors)[0] ?? `HTTP ${status}`);
  }
  get body() {
    return { errorMessages: this.errorMessages, errors: this.errors };
  }
}

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';
export const SUMMARY_TOO_LONG = 'Summary must be less than 255 characters.';

export type ChangeItem = {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
};

export interface ChangelogEntry {
  id: string;
  authorId: string;
  created: number;
  items: ChangeItem[];
}

export interface SimComment {
  id: string;
  issueId: string;
  body: unknown;
  authorId: string;
  updateAuthorId: string;
  created: number;
  updated: number;
  properties: Map<string, unknown>;
  visibility?: { type: string; value: string };
}

export interface SimAttachment {
  id: string;
  issueId: string;
  filename: string;
  mimeType: string;
  size: number;
  path: string;
  created: number;
  authorId: string;
}

export interface SimIssue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  statusId: string;
  /** Field values as stored (ids for references), keyed by field id. */
  values: Record<string, unknown>;
  creatorId: string;
  reporterId: string;
  created: number;
  updated: number;
  resolutionDate: number | null;
  statusCategoryChanged: number;
  changelog: ChangelogEntry[];
  properties: Map<string, unknown>;
  comments: SimComment[];
  attachments: SimAttachment[];
}

const FIELD_BY_ID = new Map(FIELDS.map((f) => [f.id, f]));

export function fieldById(id: string): SimField | undefined {
  return FIELD_BY_ID.get(id);
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A scalar as Jira reads ids and names (`"10001"` and `10001` alike); anything else is no value. */
export const scalar = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export class JiraStore {
  readonly projects = new Map<string, SimProject>();
  readonly issues = new Map<string, SimIssue>();
  private readonly byKey = new Map<string, SimIssue>();
  // Indexes that keep JQL fast on large sites (backfills of 10,000 issues search once per record).
  private readonly byProject = new Map<string, Set<string>>();
  /** `${propertyKey}\u0000${path}` -> lower-cased scalar value -> issue ids. */
  private readonly propertyIndex = new Map<string, Map<string, Set<string>>>();
  /** Issue property values the installed app has Jira index with a type (and JQL aliases), from its manifest. */
  indexedProperties: IndexedPropertyValue[] = [];
  readonly attachments = new Map<string, SimAttachment>();
  readonly users = new Map<string, SimUser>();
  /** Forge app properties (`/rest/forge/1/app/properties`): the installed app's own entity properties. */
  readonly appProperties = new Map<string, unknown>();
  private nextIssueId = 10000;
  private nextCommentId = 10000;
  private nextAttachmentId = 10000;
  private nextChangelogId = 10000;
  private readonly counters = new Map<string, number>();
  /** A clock that never goes backwards and never repeats, so `updated` orders every write. */
  private lastNow = 0;
  /** What JQL search sees: the live issues, or (with a lag) the versions indexed so far. */
  readonly searchIndex = new SearchIndex<SimIssue>(() => this.clock());

  constructor(private readonly clock: () => number = Date.now) {
    this.reset();
  }

  now(): number {
    this.lastNow = Math.max(this.clock(), this.lastNow + 1);
    return this.lastNow;
  }

  reset(): void {
    this.projects.clear();
    this.issues.clear();
    this.byKey.clear();
    this.byProject.clear();
    this.propertyIndex.clear();
    this.attachments.clear();
    this.users.clear();
    this.appProperties.clear();
    this.counters.clear();
    this.nextIssueId = this.nextCommentId = this.nextAttachmentId = this.nextChangelogId = 10000;
    for (const p of PROJECTS) this.projects.set(p.id, structuredClone(p));
    for (const u of [...USERS, APP_USER]) this.users.set(u.accountId, u);
    const start = this.clock();
    for (const s of SEED_ISSUES) {
      const created = start - s.daysAgo * 86_400_000;
      const project = this.project(s.project)!;
      const type = ISSUE_TYPES.find((t) => t.name === s.type)!;
      const author = USERS[s.assignee ?? 0]!.accountId;
      const values: Record<string, unknown> = {
        summary: s.summary,
        priority: PRIORITIES.find((p) => p.name === (s.priority ?? 'Medium'))!.id,
        labels: s.labels ?? [],
        ...(s.assignee !== undefined ? { assignee: USERS[s.assignee]!.accountId } : {}),
        ...(s.description ? { description: textDoc(s.description) } : {}),
      };
      for (const [id, v] of Object.entries(s.custom ?? {})) {
        const f = fieldById(id)!;
        values[id] = f.kind === 'option' ? f.options!.find((o) => o.value === v)!.id : v;
      }
      const issue = this.insertIssue(project, type.id, values, HUMAN_ID, created);
      if (s.status) {
        const status = STATUSES.find((st) => st.name === s.status)!;
        const at = created + 3_600_000;
        issue.changelog.push({
          id: String(this.nextChangelogId++),
          authorId: author,
          created: at,
          items: [statusItem(issue.statusId, status.id)],
        });
        issue.statusId = status.id;
        issue.statusCategoryChanged = at;
        if (s.resolution) {
          issue.values.resolution = RESOLUTIONS.find((r) => r.name === s.resolution)!.id;
          issue.resolutionDate = at;
        }
        issue.updated = at;
      }
      for (const [i, text] of (s.comments ?? []).entries()) {
        const at = created + (i + 2) * 3_600_000;
        issue.comments.push(this.newComment(issue, textDoc(text), author, at));
        issue.updated = Math.max(issue.updated, at);
      }
    }
    this.lastNow = Math.max(this.lastNow, start);
    if (this.searchIndex.active) this.searchIndex.reindexAll(this.issues.values());
  }

  /** Sets the search-index lag (0: search sees every write at once). */
  setSearchIndexLag(ms: number): void {
    this.searchIndex.setLag(ms, this.issues.values());
  }

  // ---------------------------------------------------------------------------------------------
  // Lookups

  project(idOrKey: string): SimProject | undefined {
    const byId = this.projects.get(idOrKey);
    if (byId) return byId;
    const upper = idOrKey.toUpperCase();
    for (const p of this.projects.values()) if (p.key === upper) return p;
    return undefined;
  }

  /** Jira matches keys case-insensitively and ids exactly. */
  issue(idOrKey: string): SimIssue | undefined {
    return this.issues.get(idOrKey) ?? this.byKey.get(idOrKey.toUpperCase());
  }

  requireIssue(idOrKey: string): SimIssue {
    const issue = this.issue(idOrKey);
    if (!issue) throw new JiraApiError(404, [ISSUE_NOT_FOUND]);
    return issue;
  }

  addUser(u: { accountId: string; displayName?: string; siteAdmin?: boolean; browseProjects?: string[]; viewOnlyProjects?: string[] }): SimUser {
    const user: SimUser = {
      accountId: u.accountId,
      displayName: u.displayName ?? u.accountId,
      accountType: 'atlassian',
      timeZone: 'UTC',
      ...(u.siteAdmin ? { siteAdmin: true } : {}),
      ...(u.browseProjects ? { browseProjects: u.browseProjects } : {}),
      ...(u.viewOnlyProjects ? { viewOnlyProjects: u.viewOnlyProjects } : {}),
    };
    this.users.set(user.accountId, user);
    return user;
  }

  user(accountId: string): SimUser | undefined {
    return this.users.get(accountId);
  }

  /** Transitions offered from the issue's current status. */
  transitionsFor(issue: SimIssue): SimTransition[] {
    const project = this.projects.get(issue.projectId)!;
    return project.transitions.filter((t) => t.to !== issue.statusId && (!t.from || t.from.includes(issue.statusId)));
  }

  /** Ids of the issues of a project (a superset hint for JQL). */
  issueIdsInProject(projectId: string): Set<string> {
    return this.byProject.get(projectId) ?? new Set();
  }

  /** The indexed value a JQL alias (case-insensitive, as Jira's field names) or `issue.property[key].path` names. */
  indexedProperty(aliasOrKey: string, path?: string): IndexedPropertyValue | undefined {
    if (path === undefined) return this.indexedProperties.find((v) => v.entityType === 'issue' && v.searchAlias?.toLowerCase() === aliasOrKey.toLowerCase());
    return this.indexedProperties.find((v) => v.entityType === 'issue' && v.propertyKey === aliasOrKey && v.path === path);
  }

  /** Ids of issues whose property `key` holds `value` (lower-cased) at `path` (dot-separated, '' = root). */
  issueIdsWithProperty(key: string, path: string, value: string): Set<string> {
    return this.propertyIndex.get(`${key}\u0000${path}`)?.get(value) ?? new Set();
  }

  /** Sets an entity property, keeping the property index in step. */
  setProperty(issue: SimIssue, key: string, value: unknown): void {
    this.unindex(issue, key);
    issue.properties.set(key, value);
    for (const [path, leaf] of leaves(value, '')) {
      const slot = `${key}\u0000${path}`;
      let byValue = this.propertyIndex.get(slot);
      if (!byValue) this.propertyIndex.set(slot, (byValue = new Map<string, Set<string>>()));
      let ids = byValue.get(leaf);
      if (!ids) byValue.set(leaf, (ids = new Set()));
      ids.add(issue.id);
    }
    this.searchIndex.written(issue);
  }

  /** Deletes an entity property; false when it did not exist. */
  deleteProperty(issue: SimIssue, key: string): boolean {
    this.unindex(issue, key);
    const existed = issue.properties.delete(key);
    if (existed) this.searchIndex.written(issue);
    return existed;
  }

  private unindex(issue: SimIssue, key: string): void {
    if (!issue.properties.has(key)) return;
    for (const [path, leaf] of leaves(issue.properties.get(key), '')) {
      this.propertyIndex.get(`${key}\u0000${path}`)?.get(leaf)?.delete(issue.id);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  private insertIssue(project: SimProject, issueTypeId: string, values: Record<string, unknown>, actorId: string, at: number): SimIssue {
    const n = (this.counters.get(project.id) ?? 0) + 1;
    this.counters.set(project.id, n);
    const issue: SimIssue = {
      id: String(this.nextIssueId++),
      key: `${project.key}-${n}`,
      projectId: project.id,
      issueTypeId,
      statusId: project.initialStatusId,
      values,
      creatorId: actorId,
      reporterId: typeof values.reporter === 'string' ? values.reporter : actorId,
      created: at,
      updated: at,
      resolutionDate: null,
      statusCategoryChanged: at,
      changelog: [],
      properties: new Map(),
      comments: [],
      attachments: [],
    };
    delete issue.values.reporter;
    this.issues.set(issue.id, issue);
    let ids = this.byProject.get(project.id);
    if (!ids) this.byProject.set(project.id, (ids = new Set()));
    ids.add(issue.id);
    this.byKey.set(issue.key, issue);
    return issue;
  }

  /** POST /rest/api/3/issue */
  createIssue(body: unknown, actorId: string): SimIssue {
    if (!isObj(body) || !isObj(body.fields)) {
      throw new JiraApiError(400, [], { project: 'Specify a valid project ID or key', issuetype: 'Specify an issue type', summary: 'You must specify a summary of the issue.' });
    }
    const fields = body.fields;
    const errors: Record<string, string> = {};
    const project = isObj(fields.project)
      ? this.project(scalar(fields.project.id ?? fields.project.key))
      : undefined;
    if (!project) errors.project = 'Specify a valid project ID or key';
    let issueTypeId: string | undefined;
    if (!isObj(fields.issuetype)) errors.issuetype = 'Specify an issue type';
    else if (project) {
      const it = fields.issuetype;
      const type = ISSUE_TYPES.find((t) => (it.id !== undefined ? t.id === scalar(it.id) : t.name === it.name));
      if (!type || !project.issueTypeIds.includes(type.id)) errors.issuetype = 'Specify a valid issue type';
      else issueTypeId = type.id;
    }
    if (fields.summary === undefined || fields.summary === null || fields.summary === '') errors.summary = 'You must specify a summary of the issue.';
    const values: Record<string, unknown> = { labels: [], priority: '3' };
    for (const [id, raw] of Object.entries(fields)) {
      if (id === 'project' || id === 'issuetype') continue;
      this.applyFieldValue(values, id, raw, errors, 'create');
    }
    if (Object.keys(errors).length) throw new JiraApiError(400, [], errors);
    const properties = this.parseProperties(body.properties);
    const issue = this.insertIssue(project!, issueTypeId!, values, actorId, this.now());
    for (const [k, v] of properties) this.setProperty(issue, k, v);
    this.searchIndex.written(issue);
    return issue;
  }

  private parseProperties(raw: unknown): [string, unknown][] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw new JiraApiError(400, ['properties must be an array of {key, value}.']);
    return raw.map((p) => {
      if (!isObj(p) || typeof p.key !== 'string' || p.key === '') throw new JiraApiError(400, ['Property key must be specified.']);
      if (p.key.length > 255) throw new JiraApiError(400, ['The property key can\'t be longer than 255 characters.']);
      return [p.key, p.value];
    });
  }

  /** Validates one field value as Jira's create/edit screens would and stores its internal form. */
  private applyFieldValue(values: Record<string, unknown>, id: string, raw: unknown, errors: Record<string, string>, mode: 'create' | 'edit'): void {
    const field = fieldById(id);
    if (!field || !field.editable) {
      errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
      return;
    }
    const clear = raw === null;
    switch (field.kind) {
      case 'string': {
        if (typeof raw !== 'string' || raw.trim() === '') {
          errors[id] = 'You must specify a summary of the issue.';
        } else if (raw.length > 255) {
          errors[id] = SUMMARY_TOO_LONG;
        } else if (/[\r\n]/.test(raw)) {
          errors[id] = 'The summary is invalid because it contains newline characters.';
        } else values[id] = raw;
        return;
      }
      case 'adf': {
        if (clear) return void delete values[id];
        const problem = adfProblem(raw);
        if (problem) errors[id] = problem;
        else values[id] = structuredClone(raw);
        return;
      }
      case 'text':
      case 'url': {
        if (clear || raw === '') return void delete values[id];
        if (typeof raw !== 'string') errors[id] = 'Operation value must be a string';
        else if (raw.length > 255) errors[id] = `${field.name}: The entered text is too long. It exceeds the allowed limit of 255 characters.`;
        else if (field.kind === 'url' && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(raw)) errors[id] = `Not a valid URL: ${raw}`;
        else values[id] = raw;
        return;
      }
      case 'number': {
        if (clear) return void delete values[id];
        if (typeof raw !== 'number' || !Number.isFinite(raw)) errors[id] = 'Operation value must be a number';
        else values[id] = raw;
        return;
      }
      case 'date': {
        if (clear) return void delete values[id];
        if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) {
          errors[id] = `Error parsing date string: ${String(typeof raw === 'string' ? raw : JSON.stringify(raw))}`;
        } else values[id] = raw;
        return;
      }
      case 'datetime': {
        if (clear) return void delete values[id];
        const at = typeof raw === 'string' ? parseJiraDateTime(raw) : undefined;
        if (at === undefined) errors[id] = `Error parsing datetime string: ${JSON.stringify(raw)}`;
        else values[id] = at;
        return;
      }
      case 'option': {
        if (clear) return void delete values[id];
        const opt = isObj(raw) ? field.options!.find((o) => (raw.id !== undefined ? o.id === scalar(raw.id) : o.value === raw.value)) : undefined;
        if (!opt) errors[id] = `Option value '${isObj(raw) ? scalar(raw.value ?? raw.id) : JSON.stringify(raw)}' is not valid`;
        else values[id] = opt.id;
        return;
      }
      case 'labels': {
        if (clear) return void (values[id] = []);
        if (!Array.isArray(raw) || raw.some((l) => typeof l !== 'string' || /\s/.test(l) || l === '')) {
          errors[id] = 'The label must not contain spaces.';
        } else values[id] = [...new Set(raw as string[])];
        return;
      }
      case 'user': {
        if (clear) return void (mode === 'edit' || id === 'assignee' ? delete values[id] : undefined);
        const accountId = isObj(raw) ? raw.accountId : undefined;
        if (typeof accountId !== 'string' || !this.users.has(accountId)) errors[id] = `Specified user does not exist or you do not have required permissions`;
        else values[id] = accountId;
        return;
      }
      case 'priority': {
        const p = isObj(raw) ? PRIORITIES.find((x) => (raw.id !== undefined ? x.id === scalar(raw.id) : x.name === raw.name)) : undefined;
        if (!p) errors[id] = 'Specify the Priority (id or name) in the string format';
        else values[id] = p.id;
        return;
      }
      case 'system':
        errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
        return;
    }
  }

  /** PUT /rest/api/3/issue/{key}: `fields` and `update` (set/add/remove). Returns the changelog entry, if any. */
  editIssue(issue: SimIssue, body: unknown, actorId: string): ChangelogEntry | undefined {
    if (!isObj(body)) throw new JiraApiError(400, ['Can not deserialize instance of IssueUpdateBean.']);
    const fields = isObj(body.fields) ? body.fields : {};
    const update = isObj(body.update) ? body.update : {};
    const errors: Record<string, string> = {};
    const next: Record<string, unknown> & { labels: string[] } = { ...issue.values, labels: [...((issue.values.labels as string[] | undefined) ?? [])] };
    for (const id of Object.keys(fields)) {
      if (id in update) errors[id] = `Field '${id}' cannot be set in both 'fields' and 'update'.`;
    }
    for (const [id, raw] of Object.entries(fields)) {
      if (id === 'reporter') {
        this.applyFieldValue(next, id, raw, errors, 'edit');
        continue;
      }
      this.applyFieldValue(next, id, raw, errors, 'edit');
    }
    for (const [id, ops] of Object.entries(update)) {
      if (!Array.isArray(ops)) {
        errors[id] = 'Update operations must be an array.';
        continue;
      }
      for (const op of ops) {
        if (!isObj(op)) continue;
        if ('set' in op) this.applyFieldValue(next, id, op.set, errors, 'edit');
        else if (id === 'labels' && ('add' in op || 'remove' in op)) {
          const labels = next.labels;
          if ('add' in op && typeof op.add === 'string' && !labels.includes(op.add)) labels.push(op.add);
          if ('remove' in op) next.labels = labels.filter((l) => l !== op.remove);
        } else errors[id] = `Field '${id}' does not support this update operation.`;
      }
    }
    if (Object.keys(errors).length) throw new JiraApiError(400, [], errors);
    const properties = this.parseProperties(body.properties);
    const reporter = next.reporter;
    delete next.reporter;
    const items = diffValues(issue.values, next);
    if (typeof reporter === 'string' && reporter !== issue.reporterId) {
      items.push(userItem('reporter', 'Reporter', issue.reporterId, reporter, this));
      issue.reporterId = reporter;
    }
    for (const [k, v] of properties) this.setProperty(issue, k, v);
    issue.values = next;
    const entry = this.recordChange(issue, items.map((i) => this.describeItem(i)), actorId);
    this.searchIndex.written(issue);
    return entry;
  }

  private recordChange(issue: SimIssue, items: ChangeItem[], actorId: string): ChangelogEntry | undefined {
    if (!items.length) return undefined;
    const at = this.now();
    const entry: ChangelogEntry = { id: String(this.nextChangelogId++), authorId: actorId, created: at, items };
    issue.changelog.push(entry);
    issue.updated = at;
    return entry;
  }

  /** Turns raw from/to ids into Jira's changelog strings. */
  private describeItem(item: ChangeItem): ChangeItem {
    const field = fieldById(item.fieldId);
    if (!field) return item;
    const label = (v: string | null): string | null => {
      if (v === null) return null;
      if (field.kind === 'option') return field.options?.find((o) => o.id === v)?.value ?? v;
      if (field.kind === 'priority') return PRIORITIES.find((p) => p.id === v)?.name ?? v;
      if (field.kind === 'user') return this.users.get(v)?.displayName ?? v;
      return v;
    };
    if (field.kind === 'option' || field.kind === 'priority' || field.kind === 'user') {
      return { ...item, fromString: label(item.from), toString: label(item.to) };
    }
    return item;
  }

  /** POST /rest/api/3/issue/{key}/transitions */
  transition(issue: SimIssue, body: unknown, actorId: string): ChangelogEntry | undefined {
    if (!isObj(body) || !isObj(body.transition) || body.transition.id === undefined) {
      throw new JiraApiError(400, ['Missing \'transition\' identifier']);
    }
    const id = scalar(body.transition.id);
    const t = this.transitionsFor(issue).find((x) => x.id === id);
    if (!t) {
      throw new JiraApiError(400, [`Transition id '${id}' is not valid for this issue.`]);
    }
    const fields = isObj(body.fields) ? body.fields : {};
    const errors: Record<string, string> = {};
    let resolutionId: string | null | undefined;
    for (const [fid, raw] of Object.entries(fields)) {
      if (fid === 'resolution') {
        const r = isObj(raw) ? RESOLUTIONS.find((x) => (raw.id !== undefined ? x.id === scalar(raw.id) : x.name === raw.name)) : undefined;
        if (!r) errors.resolution = 'Could not find valid \'id\' or \'name\' in resolution object.';
        else if (!t.requiredFields.includes('resolution')) errors.resolution = "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.";
        else resolutionId = r.id;
      } else if (!fieldById(fid)?.editable) {
        errors[fid] = `Field '${fid}' cannot be set. It is not on the appropriate screen, or unknown.`;
      }
    }
    for (const req of t.requiredFields) {
      if (req === 'resolution' && resolutionId === undefined && !errors.resolution) errors.resolution = 'Resolution is required.';
    }
    if (Object.keys(errors).length) throw new JiraApiError(400, [], errors);
    const next = { ...issue.values };
    const other = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'resolution'));
    for (const [fid, raw] of Object.entries(other)) this.applyFieldValue(next, fid, raw, errors, 'edit');
    if (Object.keys(errors).length) throw new JiraApiError(400, [], errors);
    const items: ChangeItem[] = [statusItem(issue.statusId, t.to), ...diffValues(issue.values, next).map((i) => this.describeItem(i))];
    const target = STATUSES.find((s) => s.id === t.to)!;
    const before = issue.values.resolution as string | undefined;
    if (target.category === 'done' && resolutionId) {
      next.resolution = resolutionId;
      items.push(resolutionItem(before ?? null, resolutionId));
    } else if (target.category !== 'done' && before) {
      delete next.resolution;
      items.push(resolutionItem(before, null));
    }
    const fromCategory = STATUSES.find((s) => s.id === issue.statusId)!.category;
    issue.values = next;
    issue.statusId = t.to;
    const entry = this.recordChange(issue, items, actorId);
    if (fromCategory !== target.category) issue.statusCategoryChanged = issue.updated;
    issue.resolutionDate = next.resolution ? issue.updated : null;
    this.searchIndex.written(issue);
    return entry;
  }

  private newComment(issue: SimIssue, body: unknown, authorId: string, at: number): SimComment {
    return {
      id: String(this.nextCommentId++),
      issueId: issue.id,
      body,
      authorId,
      updateAuthorId: authorId,
      created: at,
      updated: at,
      properties: new Map(),
    };
  }

  /** POST /rest/api/3/issue/{key}/comment */
  addComment(issue: SimIssue, body: unknown, actorId: string): SimComment {
    if (!isObj(body)) throw new JiraApiError(400, ['Comment body can not be empty!']);
    const problem = body.body === undefined ? 'Comment body can not be empty!' : adfProblem(body.body);
    if (problem) throw new JiraApiError(400, [], { comment: problem });
    if (JSON.stringify(body.body).length > 32_767) throw new JiraApiError(413, [], { comment: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' });
    const properties = this.parseProperties(body.properties);
    const at = this.now();
    const comment = this.newComment(issue, structuredClone(body.body), actorId, at);
    for (const [k, v] of properties) comment.properties.set(k, v);
    if (isObj(body.visibility) && typeof body.visibility.type === 'string' && typeof body.visibility.value === 'string') {
      comment.visibility = { type: body.visibility.type, value: body.visibility.value };
    }
    issue.comments.push(comment);
    issue.updated = at;
    this.searchIndex.written(issue);
    return comment;
  }

  updateComment(issue: SimIssue, commentId: string, body: unknown, actorId: string): SimComment {
    const comment = issue.comments.find((c) => c.id === commentId);
    if (!comment) throw new JiraApiError(404, ['Can not find a comment for the id: ' + commentId + '.']);
    if (!isObj(body)) throw new JiraApiError(400, ['Comment body can not be empty!']);
    const problem = adfProblem(body.body);
    if (problem) throw new JiraApiError(400, [], { comment: problem });
    comment.body = structuredClone(body.body);
    comment.updateAuthorId = actorId;
    comment.updated = this.now();
    issue.updated = comment.updated;
    this.searchIndex.written(issue);
    return comment;
  }

  deleteComment(issue: SimIssue, commentId: string): void {
    const i = issue.comments.findIndex((c) => c.id === commentId);
    if (i < 0) throw new JiraApiError(404, ['Can not find a comment for the id: ' + commentId + '.']);
    issue.comments.splice(i, 1);
    issue.updated = this.now();
    this.searchIndex.written(issue);
  }

  addAttachment(issue: SimIssue, file: Omit<SimAttachment, 'id' | 'issueId' | 'created'>): SimAttachment {
    const at = this.now();
    const attachment: SimAttachment = { ...file, id: String(this.nextAttachmentId++), issueId: issue.id, created: at };
    issue.attachments.push(attachment);
    this.attachments.set(attachment.id, attachment);
    const item: ChangeItem = { field: 'Attachment', fieldtype: 'jira', fieldId: 'attachment', from: null, fromString: null, to: attachment.id, toString: attachment.filename };
    this.recordChange(issue, [item], file.authorId);
    this.searchIndex.written(issue);
    return attachment;
  }

  deleteIssue(issue: SimIssue): SimAttachment[] {
    this.issues.delete(issue.id);
    this.byProject.get(issue.projectId)?.delete(issue.id);
    for (const key of [...issue.properties.keys()]) this.deleteProperty(issue, key);
    this.byKey.delete(issue.key);
    for (const a of issue.attachments) this.attachments.delete(a.id);
    this.searchIndex.deleted(issue);
    return issue.attachments;
  }

  /** Hand edit through the control surface: move to a status by name, through whichever transition gets there. */
  transitionToStatus(issue: SimIssue, statusName: string, actorId: string, resolution = 'Done'): ChangelogEntry | undefined {
    const status = STATUSES.find((s) => s.name.toLowerCase() === statusName.toLowerCase());
    if (!status) throw new JiraApiError(400, [`Unknown status '${statusName}'.`]);
    const t = this.transitionsFor(issue).find((x) => x.to === status.id);
    if (!t) throw new JiraApiError(400, [`No transition from the current status to '${statusName}'.`]);
    return this.transition(issue, { transition: { id: t.id }, fields: t.requiredFields.includes('resolution') ? { resolution: { name: resolution } } : {} }, actorId);
  }
}

const HUMAN_ID = USERS[0]!.accountId;

/** Scalar leaves of a JSON value as [dot path, lower-cased value], the way JQL compares them. */
function leaves(value: unknown, path: string, depth = 0): [string, string][] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [[path, String(value).toLowerCase()]];
  // Array elements are indexed under the array's own path, as Jira does.
  if (Array.isArray(value)) return depth > 10 ? [] : value.flatMap((v) => leaves(v, path, depth + 1));
  if (depth > 10 || value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k, depth + 1));
}

export function textDoc(text: string) {
  return {
    type: 'doc',
    version: 1,
    content: text.split('\n').filter(Boolean).map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] })),
  };
}

function statusItem(from: string, to: string): ChangeItem {
  const name = (id: string) => STATUSES.find((s) => s.id === id)?.name ?? id;
  return { field: 'status', fieldtype: 'jira', fieldId: 'status', from, fromString: name(from), to, toString: name(to) };
}

function resolutionItem(from: string | null, to: string | null): ChangeItem {
  const name = (id: string | null) => (id === null ? null : (RESOLUTIONS.find((r) => r.id === id)?.name ?? id));
  return { field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from, fromString: name(from), to, toString: name(to) };
}

function userItem(fieldId: string, field: string, from: string, to: string, store: JiraStore): ChangeItem {
  return { field, fieldtype: 'jira', fieldId, from, fromString: store.user(from)?.displayName ?? from, to, toString: store.user(to)?.displayName ?? to };
}

/** Jira's changelog `field` is the system field id for system fields and the display name for custom ones. */
function diffValues(before: Record<string, unknown>, after: Record<string, unknown>): ChangeItem[] {
  const items: ChangeItem[] = [];
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const id of ids) {
    const a = before[id];
    const b = after[id];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const field = fieldById(id);
    if (!field) continue;
    const custom = field.custom;
    const asString = (v: unknown): string | null => {
      if (v === undefined || v === null) return null;
      if (field.kind === 'adf') return adfPlainText(v);
      if (field.kind === 'labels') return (v as string[]).join(' ') || null;
      if (field.kind === 'datetime') return formatJiraDate(v as number);
      return typeof v === 'string' ? v : JSON.stringify(v);
    };
    const byId = ['option', 'priority', 'user'].includes(field.kind);
    const raw = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
    items.push({
      field: custom ? field.name : id === 'labels' ? 'labels' : id,
      fieldtype: custom ? 'custom' : 'jira',
      fieldId: id,
      from: byId ? raw(a) : null,
      fromString: asString(a),
      to: byId ? raw(b) : null,
      toString: asString(b),
    });
  }
  return items;
}

/** Jira's timestamp format: `2021-01-17T12:34:00.000+0000`. */
export function formatJiraDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function parseJiraDateTime(s: string): number | undefined {
  const normalised = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(normalised);
  return Number.isNaN(t) ? undefined : t;
}
