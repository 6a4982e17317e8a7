// JQL built from parts, never by pasting values into a string: a record id, a project key or a property value
// holding a quote or a backslash would otherwise end the literal early and change the query (or break it).
// Atlassian's rule: a value with spaces or reserved characters/words goes in double quotes; inside the quotes
// `"` and `\` are escaped with a backslash, and control characters take their `\n`, `\r`, `\t` escapes.
// Values are always quoted here, so reserved words (`AND`, `order`, `empty`) are plain text as values.

/** A complete JQL expression (clause, conjunction or whole query), kept apart from raw strings by type. */
export type Jql = string & { readonly __jql: unique symbol };

const asJql = (s: string) => s as Jql;

/** A quoted JQL string literal. */
export function jqlString(value: string | number): Jql {
  const escaped = String(value).replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return asJql(`"${escaped}"`);
}

// Words JQL gives a meaning of its own: as field names they must be quoted. Values are always quoted anyway.
const RESERVED = new Set([
  'and', 'or', 'not', 'in', 'is', 'was', 'empty', 'null', 'order', 'by', 'asc', 'desc', 'changed', 'from', 'to',
  'on', 'before', 'after', 'during', 'with', 'without', 'select', 'where', 'true', 'false', 'if', 'then', 'else',
]);
const PLAIN_FIELD = /^(?:[A-Za-z_][A-Za-z0-9_]*|cf\[\d+\])$/;

/** A field reference: system fields and `cf[N]` as they are, anything else (names with spaces, reserved words) quoted. */
export function jqlField(name: string): Jql {
  if (!name) throw new Error('JQL field name is empty');
  return PLAIN_FIELD.test(name) && !RESERVED.has(name.toLowerCase()) ? asJql(name) : jqlString(name);
}

// Entity property keys and paths cannot be quoted in `issue.property[key].path`: only safe characters pass.
const PROPERTY_PART = /^[\w-]+(?:\.[\w-]+)*$/;

/** An entity-property reference, `issue.property[key].path`, usable wherever a field name is. */
export interface JqlProperty {
  readonly property: Jql;
}

/** `issue.property[key].path` — the key and path are checked, not escaped (Jira has no quoting for them). */
export function jqlIssueProperty(key: string, path: string): JqlProperty {
  if (!PROPERTY_PART.test(key) || key.includes('.')) throw new Error(`JQL property key not allowed: ${JSON.stringify(key)}`);
  if (!PROPERTY_PART.test(path)) throw new Error(`JQL property path not allowed: ${JSON.stringify(path)}`);
  return { property: asJql(`issue.property[${key}].${path}`) };
}

type Subject = string | JqlProperty;
const subject = (s: Subject): Jql => (typeof s === 'string' ? jqlField(s) : s.property);

/** `field = "value"`. */
export function jqlEq(field: Subject, value: string | number): Jql {
  return asJql(`${subject(field)} = ${jqlString(value)}`);
}

/** `field in ("a", "b")`; an empty list matches nothing, which JQL cannot say, so it is refused. */
export function jqlIn(field: Subject, values: readonly (string | number)[]): Jql {
  if (values.length === 0) throw new Error('JQL "in" needs at least one value');
  return asJql(`${subject(field)} in (${values.map(jqlString).join(', ')})`);
}

/** Clauses joined with AND, each in parentheses when it holds an OR of its own. */
export function jqlAnd(...clauses: Jql[]): Jql {
  if (clauses.length === 0) throw new Error('JQL AND needs at least one clause');
  return asJql(clauses.map((c) => (/\bOR\b/i.test(stripStrings(c)) ? `(${c})` : c)).join(' AND '));
}

/** `query ORDER BY f1 ASC, f2 DESC`. */
export function jqlOrderBy(query: Jql, ...order: { field: string; desc?: boolean }[]): Jql {
  if (order.length === 0) return query;
  return asJql(`${query} ORDER BY ${order.map((o) => `${jqlField(o.field)} ${o.desc ? 'DESC' : 'ASC'}`).join(', ')}`);
}

function stripStrings(jql: string): string {
  return jql.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}
