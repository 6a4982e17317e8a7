// The JQL the product uses, parsed and evaluated like Jira: `project`, `issuetype`/`type`, `key`/`issuekey`,
// `id`, `status`, `statusCategory`, `labels`, `assignee`, `resolution`, `summary ~`, `created`/`updated`
// comparisons (minute precision, relative dates such as `-5m`), `cf[NNNNN]`, entity properties (`issue.property[k].path` and the search aliases of the app manifest's `jira:entityProperty` modules, compared by their index type), AND/OR/NOT, parentheses,
// IN/NOT IN, IS [NOT] EMPTY, and `ORDER BY` up to seven fields. Queries without a restriction are refused
// ("bounded" JQL, as /rest/api/3/search/jql requires).
import { fieldById, JiraApiError, scalar, type JiraStore, type SimIssue } from './store';
import type { IndexType } from './entity-properties';
import { FIELDS, ISSUE_TYPES, PRIORITIES, RESOLUTIONS, STATUS_CATEGORIES, STATUSES } from './seed';

type Token = { t: 'word' | 'str' | 'op' | 'lp' | 'rp' | 'comma'; v: string };

function tokenize(jql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < jql.length && jql[j] !== c) {
        if (jql[j] === '\\' && j + 1 < jql.length) j++;
        s += jql[j];
        j++;
      }
      if (j >= jql.length) throw jqlError(`Error in the JQL Query: Unterminated string literal.`);
      out.push({ t: 'str', v: s });
      i = j + 1;
    } else if (c === '(') {
      out.push({ t: 'lp', v: c });
      i++;
    } else if (c === ')') {
      out.push({ t: 'rp', v: c });
      i++;
    } else if (c === ',') {
      out.push({ t: 'comma', v: c });
      i++;
    } else if (/[=!<>~]/.test(c)) {
      const two = jql.slice(i, i + 2);
      if (['!=', '>=', '<=', '!~'].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else {
        out.push({ t: 'op', v: c });
        i++;
      }
    } else {
      let j = i;
      // `cf[10030]` and words with dashes/dots (DEMO-1, 2025-01-01) are one token; `currentUser()` stays a word.
      while (j < jql.length && !/[\s=!<>~(),"']/.test(jql[j]!)) j++;
      if (jql.slice(j, j + 2) === '()') j += 2;
      out.push({ t: 'word', v: jql.slice(i, j) });
      i = j;
    }
  }
  return out;
}

function jqlError(message: string): JiraApiError {
  return new JiraApiError(400, [message]);
}

type Predicate = (issue: SimIssue) => boolean;
export interface SortKey {
  field: string;
  desc: boolean;
}
export interface CompiledJql {
  where: Predicate | undefined;
  orderBy: SortKey[];
  /** A superset of the matching issue ids, when the query pins them down (project, key, id, property). Read only. */
  candidates?: ReadonlySet<string>;
}
interface Node {
  test: Predicate;
  candidates?: ReadonlySet<string>;
}

type Value = { kind: 'str'; v: string } | { kind: 'empty' } | { kind: 'fn'; name: string };

export function compileJql(jql: string, store: JiraStore, now: number, currentUser: string): CompiledJql {
  const tokens = tokenize(jql);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => {
    const tok = peek();
    return tok?.t === 'word' && tok.v.toUpperCase() === w;
  };

  // Each node carries, when it can, a superset of the issue ids it matches (from the store's indexes), so a
  // search on a large site looks only at likely issues; the predicate still decides.
  function parseOr(): Node {
    let left = parseAnd();
    while (isWord('OR')) {
      pos++;
      const right = parseAnd();
      const l = left;
      left = {
        test: (i) => l.test(i) || right.test(i),
        ...(l.candidates && right.candidates ? { candidates: new Set([...l.candidates, ...right.candidates]) } : {}),
      };
    }
    return left;
  }
  function parseAnd(): Node {
    let left = parseNot();
    while (isWord('AND')) {
      pos++;
      const right = parseNot();
      const l = left;
      const candidates = [l.candidates, right.candidates].filter((c): c is ReadonlySet<string> => c !== undefined).sort((a, b) => a.size - b.size)[0];
      left = { test: (i) => l.test(i) && right.test(i), ...(candidates ? { candidates } : {}) };
    }
    return left;
  }
  function parseNot(): Node {
    if (isWord('NOT')) {
      pos++;
      const inner = parseNot();
      return { test: (i) => !inner.test(i) };
    }
    if (peek()?.t === 'lp') {
      pos++;
      const inner = parseOr();
      if (peek()?.t !== 'rp') throw jqlError("Error in the JQL Query: Expecting ')'.");
      pos++;
      return inner;
    }
    return parseClause();
  }
  function parseValue(): Value {
    const tok = tokens[pos++];
    if (!tok) throw jqlError('Error in the JQL Query: Expecting a value but reached the end of the query.');
    if (tok.t === 'str') return { kind: 'str', v: tok.v };
    if (tok.t === 'word') {
      const up = tok.v.toUpperCase();
      if (up === 'EMPTY' || up === 'NULL') return { kind: 'empty' };
      if (tok.v.endsWith('()')) return { kind: 'fn', name: tok.v.slice(0, -2).toLowerCase() };
      return { kind: 'str', v: tok.v };
    }
    throw jqlError(`Error in the JQL Query: Expecting a value but got '${tok.v}'.`);
  }
  function parseClause(): Node {
    const fieldTok = tokens[pos++];
    if (!fieldTok || (fieldTok.t !== 'word' && fieldTok.t !== 'str')) throw jqlError('Error in the JQL Query: Expecting a field name.');
    const field = resolveField(fieldTok.v, store);
    let op: string;
    const tok = peek();
    if (tok?.t === 'op') {
      op = tok.v;
      pos++;
    } else if (isWord('IN')) {
      op = 'in';
      pos++;
    } else if (isWord('NOT')) {
      pos++;
      if (!isWord('IN')) throw jqlError("Error in the JQL Query: Expecting 'IN' after 'NOT'.");
      pos++;
      op = 'not in';
    } else if (isWord('IS')) {
      pos++;
      op = 'is';
      if (isWord('NOT')) {
        pos++;
        op = 'is not';
      }
    } else {
      throw jqlError(`Error in the JQL Query: Expecting operator but got '${tok?.v ?? 'end of query'}'.`);
    }
    let values: Value[];
    if (op === 'in' || op === 'not in') {
      if (peek()?.t !== 'lp') throw jqlError("Error in the JQL Query: Expecting '(' after IN.");
      pos++;
      values = [];
      while (peek() && peek()!.t !== 'rp') {
        values.push(parseValue());
        if (peek()?.t === 'comma') pos++;
      }
      if (peek()?.t !== 'rp') throw jqlError("Error in the JQL Query: Expecting ')'.");
      pos++;
    } else {
      values = [parseValue()];
    }
    const test = clause(field, op, values);
    const candidates = op === '=' || op === 'in' ? candidatesFor(field, values, store) : undefined;
    return candidates ? { test, candidates } : { test };
  }

  function clause(field: string, op: string, values: Value[]): Predicate {
    const get = accessor(field, store);
    if (op === 'is' || op === 'is not') {
      if (values[0]?.kind !== 'empty') throw jqlError(`Error in the JQL Query: IS must be followed by EMPTY or NULL.`);
      return op === 'is' ? (i) => get(i).length === 0 : (i) => get(i).length > 0;
    }
    const indexType = propertyType(field, store);
    if (['>=', '<=', '>', '<'].includes(op)) {
      const ordered = indexType === 'number' || indexType === 'date';
      if (!ordered && !['created', 'updated', 'resolutiondate', 'duedate'].includes(field) && fieldById(field)?.kind !== 'number' && fieldById(field)?.kind !== 'date') {
        throw jqlError(`The operator '${op}' is not supported by the '${field}' field.`);
      }
      const bound = toComparable(field, values[0]!, now, indexType);
      return (i) => {
        const v = get(i)[0];
        if (v === undefined) return false;
        const n = Number(v);
        return op === '>=' ? n >= bound : op === '<=' ? n <= bound : op === '>' ? n > bound : n < bound;
      };
    }
    if (op === '~' || op === '!~') {
      // Jira matches words only in fields indexed as text; exact-value types refuse the operator.
      if (indexType && indexType !== 'text') throw jqlError(`The operator '${op}' is not supported by the '${fieldNameOf(field, store)}' field.`);
      const needle = values[0]?.kind === 'str' ? values[0].v.toLowerCase().replace(/\*/g, '') : '';
      return (i) => get(i).some((v) => v.toLowerCase().includes(needle)) === (op === '~');
    }
    const wanted = values.flatMap((v) => (indexType === 'number' || indexType === 'date' ? [String(toComparable(field, v, now, indexType))] : normaliseValue(field, v, store, currentUser)));
    if (op === '=' || op === 'in') return (i) => get(i).some((v) => wanted.includes(v));
    if (op === '!=' || op === 'not in') return (i) => {
      const have = get(i);
      return have.length > 0 && !have.some((v) => wanted.includes(v));
    };
    throw jqlError(`Error in the JQL Query: Unsupported operator '${op}'.`);
  }

  let where: Node | undefined;
  if (tokens.length && !isWord('ORDER')) where = parseOr();
  const orderBy: SortKey[] = [];
  if (isWord('ORDER')) {
    pos++;
    if (!isWord('BY')) throw jqlError("Error in the JQL Query: Expecting 'BY' after 'ORDER'.");
    pos++;
    do {
      if (peek()?.t === 'comma') pos++;
      const f = tokens[pos++];
      if (!f || (f.t !== 'word' && f.t !== 'str')) throw jqlError('Error in the JQL Query: Expecting a field name after ORDER BY.');
      const field = resolveField(f.v, store);
      let desc = false;
      if (isWord('ASC')) pos++;
      else if (isWord('DESC')) {
        desc = true;
        pos++;
      }
      orderBy.push({ field, desc });
    } while (peek()?.t === 'comma');
    if (orderBy.length > 7) throw jqlError('The ORDER BY clause can contain at most 7 fields.');
  }
  if (pos < tokens.length) throw jqlError(`Error in the JQL Query: The character '${tokens[pos]!.v}' is a reserved JQL character.`);
  return where ? { where: where.test, orderBy, ...(where.candidates ? { candidates: where.candidates } : {}) } : { where: undefined, orderBy };
}

/** Issue ids that can match `field = value` / `field in (...)`, from the store's indexes; undefined = any. */
function candidatesFor(field: string, values: Value[], store: JiraStore): ReadonlySet<string> | undefined {
  if (values.some((v) => v.kind !== 'str')) return undefined;
  const strings = values.map((v) => (v as { v: string }).v);
  const out = new Set<string>();
  if (field === 'key' || field === 'id') {
    for (const s of strings) {
      const issue = field === 'key' ? store.issue(s) : store.issues.get(s);
      if (issue) out.add(issue.id);
    }
    return out;
  }
  // A single value reuses the store's own index set (read only) rather than copying thousands of ids.
  if (field === 'project' && strings.length === 1) {
    const p = store.project(strings[0]!) ?? [...store.projects.values()].find((x) => x.name.toLowerCase() === strings[0]!.toLowerCase());
    return p ? store.issueIdsInProject(p.id) : out;
  }
  // Numbers and dates compare by value ("50000" = 50000.0), which the string index cannot answer.
  const indexType = propertyType(field, store);
  if (indexType === 'number' || indexType === 'date') return undefined;
  if (field.startsWith('prop:') && strings.length === 1) {
    const [, key, path] = field.split(':') as [string, string, string];
    return store.issueIdsWithProperty(key, path, strings[0]!.toLowerCase());
  }
  if (field === 'project') {
    for (const s of strings) {
      const p = store.project(s) ?? [...store.projects.values()].find((x) => x.name.toLowerCase() === s.toLowerCase());
      if (p) for (const id of store.issueIdsInProject(p.id)) out.add(id);
    }
    return out;
  }
  if (field.startsWith('prop:')) {
    const [, key, path] = field.split(':') as [string, string, string];
    for (const s of strings) for (const id of store.issueIdsWithProperty(key, path, s.toLowerCase())) out.add(id);
    return out;
  }
  return undefined;
}

const ALIASES: Record<string, string> = {
  project: 'project',
  issuetype: 'issuetype',
  type: 'issuetype',
  key: 'key',
  issuekey: 'key',
  id: 'id',
  status: 'status',
  statuscategory: 'statusCategory',
  labels: 'labels',
  label: 'labels',
  assignee: 'assignee',
  reporter: 'reporter',
  creator: 'creator',
  resolution: 'resolution',
  priority: 'priority',
  summary: 'summary',
  text: 'summary',
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
  resolved: 'resolutiondate',
  resolutiondate: 'resolutiondate',
  due: 'duedate',
  duedate: 'duedate',
};

/** `issue.property[key].path.to.value`: entity-property search, as Jira indexes app properties. */
const PROPERTY_FIELD = /^issue\.property\[([^\]]+)\](?:\.([\w.]+))?$/i;

function resolveField(name: string, store: JiraStore): string {
  const prop = PROPERTY_FIELD.exec(name);
  if (prop) return `prop:${prop[1]}:${prop[2] ?? ''}`;
  // A search alias the app's `jira:entityProperty` module declares is a field of its own.
  const aliased = store.indexedProperty(name);
  if (aliased) return `prop:${aliased.propertyKey}:${aliased.path}`;
  const lower = name.toLowerCase();
  if (ALIASES[lower]) return ALIASES[lower];
  const cf = /^cf\[(\d+)\]$/i.exec(name);
  if (cf && fieldById(`customfield_${cf[1]}`)) return `customfield_${cf[1]}`;
  if (/^customfield_\d+$/.test(lower) && fieldById(lower)) return lower;
  const byName = FIELDS.find((f) => f.custom && f.name.toLowerCase() === lower);
  if (byName) return byName.id;
  throw jqlError(`Field '${name}' does not exist or you do not have permission to view it.`);
}

/** How the app's manifest has Jira index a property path; undefined for other fields and unregistered paths. */
function propertyType(field: string, store: JiraStore): IndexType | undefined {
  if (!field.startsWith('prop:')) return undefined;
  const [, key, path] = field.split(':') as [string, string, string];
  return store.indexedProperty(key, path)?.type;
}

function fieldNameOf(field: string, store: JiraStore): string {
  if (!field.startsWith('prop:')) return field;
  const [, key, path] = field.split(':') as [string, string, string];
  return store.indexedProperty(key, path)?.searchAlias ?? `issue.property[${key}].${path}`;
}

/** The comparable values an issue holds for a field (lower-cased ids/names; numbers as strings). */
function accessor(field: string, store: JiraStore): (i: SimIssue) => string[] {
  if (field.startsWith('prop:')) {
    const [, key, path] = field.split(':') as [string, string, string];
    const type = propertyType(field, store);
    // An array is indexed element by element; a typed path keeps only values of its type, as Jira's index.
    const leaf = (v: unknown): string[] => {
      if (Array.isArray(v)) return v.flatMap(leaf);
      if (type === 'number') return typeof v === 'number' ? [String(v)] : [];
      if (type === 'date') {
        const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
        return Number.isNaN(t) ? [] : [String(t)];
      }
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [String(v).toLowerCase()] : [];
    };
    return (i) => {
      let v: unknown = i.properties.get(key);
      for (const part of path ? path.split('.') : []) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
      return leaf(v);
    };
  }
  switch (field) {
    case 'project':
      return (i) => {
        const p = store.projects.get(i.projectId)!;
        return [p.id, p.key.toLowerCase(), p.name.toLowerCase()];
      };
    case 'issuetype':
      return (i) => {
        const t = ISSUE_TYPES.find((x) => x.id === i.issueTypeId)!;
        return [t.id, t.name.toLowerCase()];
      };
    case 'key':
      return (i) => [i.key.toLowerCase()];
    case 'id':
      return (i) => [i.id];
    case 'status':
      return (i) => {
        const s = STATUSES.find((x) => x.id === i.statusId)!;
        return [s.id, s.name.toLowerCase()];
      };
    case 'statusCategory':
      return (i) => {
        const c = STATUS_CATEGORIES[STATUSES.find((x) => x.id === i.statusId)!.category];
        return [String(c.id), c.key, c.name.toLowerCase()];
      };
    case 'resolution':
      return (i) => {
        const r = RESOLUTIONS.find((x) => x.id === i.values.resolution);
        return r ? [r.id, r.name.toLowerCase()] : [];
      };
    case 'priority':
      return (i) => {
        const p = PRIORITIES.find((x) => x.id === i.values.priority);
        return p ? [p.id, p.name.toLowerCase()] : [];
      };
    case 'labels':
      return (i) => ((i.values.labels as string[] | undefined) ?? []).map((l) => l.toLowerCase());
    case 'assignee':
      return (i) => (typeof i.values.assignee === 'string' ? [i.values.assignee.toLowerCase()] : []);
    case 'reporter':
      return (i) => [i.reporterId.toLowerCase()];
    case 'creator':
      return (i) => [i.creatorId.toLowerCase()];
    case 'summary':
      return (i) => [scalar(i.values.summary)];
    case 'created':
      return (i) => [String(i.created)];
    case 'updated':
      return (i) => [String(i.updated)];
    case 'resolutiondate':
      return (i) => (i.resolutionDate === null ? [] : [String(i.resolutionDate)]);
    case 'duedate':
      return (i) => (typeof i.values.duedate === 'string' ? [String(Date.parse(i.values.duedate))] : []);
  }
  const f = fieldById(field)!;
  return (i) => {
    const v = i.values[field];
    if (v === undefined || v === null) return [];
    if (f.kind === 'option') {
      const o = f.options?.find((x) => x.id === v);
      return o ? [o.id, o.value.toLowerCase()] : [];
    }
    if (f.kind === 'date') return [String(Date.parse(scalar(v)))];
    if (typeof v === 'string') return [v.toLowerCase()];
    if (typeof v === 'number') return [String(v)];
    return [JSON.stringify(v)];
  };
}

function normaliseValue(field: string, v: Value, store: JiraStore, currentUser: string): string[] {
  if (v.kind === 'empty') return [];
  if (v.kind === 'fn') {
    if (v.name === 'currentuser') return [currentUser.toLowerCase()];
    throw jqlError(`Error in the JQL Query: Unsupported function '${v.name}()'.`);
  }
  const s = v.v.toLowerCase();
  if (field === 'project' && !store.project(v.v) && ![...store.projects.values()].some((p) => p.name.toLowerCase() === s)) {
    throw jqlError(`The value '${v.v}' does not exist for the field 'project'.`);
  }
  if (field === 'issuetype' && !ISSUE_TYPES.some((t) => t.id === v.v || t.name.toLowerCase() === s)) {
    throw jqlError(`The value '${v.v}' does not exist for the field 'issuetype'.`);
  }
  if (field === 'status' && !STATUSES.some((t) => t.id === v.v || t.name.toLowerCase() === s)) {
    throw jqlError(`The value '${v.v}' does not exist for the field 'status'.`);
  }
  if (field === 'key' && !/^[a-z][a-z0-9_]*-\d+$/i.test(v.v)) {
    throw jqlError(`The issue key '${v.v}' for field 'key' is invalid.`);
  }
  return [s];
}

/**
 * A date bound in epoch ms. JQL dates have minute precision ("yyyy-MM-dd HH:mm", "yyyy/MM/dd", ...) and are
 * read in the user's time zone (UTC here); relative forms such as `-15m`, `-2h`, `-1d`, `-1w` count from now.
 */
function toComparable(field: string, v: Value, now: number, indexType?: IndexType): number {
  if (v.kind !== 'str') {
    if (v.kind === 'fn' && (v.name === 'now' || v.name === 'startofday')) {
      return v.name === 'now' ? now : Math.floor(now / 86_400_000) * 86_400_000;
    }
    throw jqlError(`Error in the JQL Query: Expecting a date for '${field}'.`);
  }
  const fieldKind = indexType ?? fieldById(field)?.kind;
  if (fieldKind === 'number') {
    const n = Number(v.v);
    if (Number.isNaN(n)) throw jqlError(`The value '${v.v}' is not a valid number for '${field}'.`);
    return n;
  }
  const rel = /^([+-]?)(\d+)([mhdw])$/.exec(v.v);
  if (rel) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[rel[3] as 'm' | 'h' | 'd' | 'w'];
    const delta = Number(rel[2]) * unit * (rel[1] === '-' ? -1 : 1);
    return now + delta;
  }
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(v.v);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  if (/^\d+$/.test(v.v)) return Number(v.v);
  throw jqlError(
    `Date value '${v.v}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}

/** Sorts issues by the ORDER BY keys (default: created DESC, as Jira's search). */
export function sortIssues(issues: SimIssue[], orderBy: SortKey[], store: JiraStore): SimIssue[] {
  const keys = orderBy.length ? orderBy : [{ field: 'created', desc: true }];
  const getters = keys.map((k) => sortKeyOf(k.field, store));
  // Sort keys are computed once per issue, not once per comparison.
  const rows = issues.map((issue) => ({ issue, keys: getters.map((g) => g(issue)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareKeys(a.keys[i], b.keys[i]);
      if (c !== 0) return keys[i]!.desc ? -c : c;
    }
    return Number(a.issue.id) - Number(b.issue.id);
  });
  return rows.map((r) => r.issue);
}

type SortValue = number | string | [string, number] | undefined;

function sortKeyOf(field: string, store: JiraStore): (i: SimIssue) => SortValue {
  if (field === 'key') {
    return (i) => {
      const dash = i.key.lastIndexOf('-');
      return [i.key.slice(0, dash), Number(i.key.slice(dash + 1))];
    };
  }
  const get = accessor(field, store);
  return (i) => {
    const v = get(i)[0];
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isNaN(n) ? v : n;
  };
}

function compareKeys(a: SortValue, b: SortValue): number {
  // Empty values sort last, as Jira puts EMPTY after values in ascending order.
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) return a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
