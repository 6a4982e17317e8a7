import { escapePointerToken, isObject, type OpenApiSpec, type SchemaLocation } from './document';

// Maps a concrete request path onto a documented path template. Zoho's files overlap
// (`/crm/v8/{module_api_name}/{id}` vs `/crm/v8/{module}/{record_id}/Attachments`), so among the templates
// that match and document the method, the one with a literal segment earliest wins, as a router would.

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Segment = { literal: string } | { param: string };

interface Route {
  template: string;
  segments: Segment[];
  pathItem: SchemaLocation;
  methods: Set<string>;
}

export interface MatchedOperation {
  template: string;
  method: string;
  pathItem: SchemaLocation;
  operation: SchemaLocation;
  pathParams: Record<string, string>;
}

export type RouteResult =
  | { kind: 'matched'; match: MatchedOperation }
  | { kind: 'method-not-documented'; templates: string[]; methods: string[] }
  | { kind: 'no-path' };

interface RouteTable {
  routes: Route[];
  basePaths: string[];
}

const tables = new WeakMap<OpenApiSpec, RouteTable>();

function parseTemplate(template: string): Segment[] {
  return template
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^\{([^}]+)\}$/.exec(s);
      return m?.[1] !== undefined ? { param: m[1] } : { literal: s };
    });
}

function table(spec: OpenApiSpec): RouteTable {
  let t = tables.get(spec);
  if (t) return t;
  const routes: Route[] = [];
  const basePaths = new Set<string>();
  const componentsOnly = new Set(spec.options.componentsOnly ?? []);
  for (const doc of spec.documents.values()) {
    const servers = doc.raw.servers;
    if (Array.isArray(servers)) {
      for (const server of servers) {
        if (!isObject(server) || typeof server.url !== 'string') continue;
        const base = new URL(server.url, 'http://server.invalid').pathname.replace(/\/+$/, '');
        if (base !== '') basePaths.add(base);
      }
    }
    if (componentsOnly.has(doc.file)) continue;
    const paths = doc.raw.paths;
    if (!isObject(paths)) continue;
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      routes.push({
        template,
        segments: parseTemplate(template),
        pathItem: { docId: doc.id, pointer: `/paths/${escapePointerToken(template)}` },
        methods: new Set(METHODS.filter((m) => isObject(item[m]))),
      });
    }
  }
  t = { routes, basePaths: [...basePaths] };
  tables.set(spec, t);
  return t;
}

function matchSegments(route: Route, parts: string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i];
    if (part === undefined) return undefined;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      params[segment.param] = part;
    }
  }
  return params;
}

/** Negative when `a` is more specific: a literal segment beats a template segment at the first difference. */
function bySpecificity(a: Route, b: Route): number {
  for (const [i, sa] of a.segments.entries()) {
    const sb = b.segments[i];
    if (sb === undefined) break;
    const la = 'literal' in sa;
    const lb = 'literal' in sb;
    if (la !== lb) return la ? -1 : 1;
  }
  return 0;
}

export function documentedBasePaths(spec: OpenApiSpec): string[] {
  return table(spec).basePaths;
}

export function findOperation(spec: OpenApiSpec, method: string, path: string): RouteResult {
  const { routes, basePaths } = table(spec);
  const lower = method.toLowerCase();
  const candidates = [path, ...basePaths.filter((b) => path.startsWith(`${b}/`)).map((b) => path.slice(b.length))];
  const hits: Array<{ route: Route; params: Record<string, string> }> = [];
  for (const candidate of candidates) {
    const parts = candidate.split('/').filter((s) => s !== '');
    for (const route of routes) {
      const params = matchSegments(route, parts);
      if (params) hits.push({ route, params });
    }
  }
  if (hits.length === 0) return { kind: 'no-path' };
  const withMethod = hits.filter((h) => h.route.methods.has(lower));
  if (withMethod.length === 0) {
    return {
      kind: 'method-not-documented',
      templates: [...new Set(hits.map((h) => h.route.template))],
      methods: [...new Set(hits.flatMap((h) => [...h.route.methods]))].map((m) => m.toUpperCase()),
    };
  }
  withMethod.sort((a, b) => bySpecificity(a.route, b.route));
  const best = withMethod[0];
  if (!best) return { kind: 'no-path' };
  const pathParams: Record<string, string> = {};
  for (const [name, raw] of Object.entries(best.params)) {
    try {
      pathParams[name] = decodeURIComponent(raw);
    } catch {
      pathParams[name] = raw;
    }
  }
  return {
    kind: 'matched',
    match: {
      template: best.route.template,
      method: lower,
      pathItem: best.route.pathItem,
      operation: { docId: best.route.pathItem.docId, pointer: `${best.route.pathItem.pointer}/${lower}` },
      pathParams,
    },
  };
}
