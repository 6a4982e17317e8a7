// Related lists: the metadata (GET /settings/related_lists?module=) and the generic related-records read
// (GET /{module}/{id}/{related_list_api_name}) for lookups, i.e. the records of another module whose lookup
// field points at this record (related_records.json). Notes and Attachments have their own routes
// (notes.ts, attachments.ts) and appear here as related lists only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MODULES, allFields, fieldDef, moduleDef, type ModuleDef } from '../catalog';
import { SimZohoError, zerr } from '../errors';
import { moduleScope, settingsScope } from '../scopes';
import { moduleId } from '../store';
import { fieldId } from './meta';
import { fieldsParam, intParam, noContent, paginate, params, query, requireModule, sendJson, type Sim } from './common';

interface RelatedList {
  api_name: string;
  display_label: string;
  /** The module whose records the list shows (null for lists that are not module records). */
  module: string;
  /** For lookup lists: the field of `module` that points at the parent. */
  lookupField?: string;
}

export function relatedListsOf(def: ModuleDef): RelatedList[] {
  const lists: RelatedList[] = [];
  for (const other of MODULES) {
    if (!other.api_supported) continue;
    for (const f of allFields(other)) {
      if (f.data_type === 'lookup' && f.lookupModule === def.api_name && !lists.some((l) => l.api_name === other.api_name)) {
        lists.push({ api_name: other.api_name, display_label: other.plural_label, module: other.api_name, lookupField: f.api_name });
      }
    }
  }
  lists.push({ api_name: 'Notes', display_label: 'Notes', module: 'Notes' });
  lists.push({ api_name: 'Attachments', display_label: 'Attachments', module: 'Attachments' });
  return lists;
}

function renderList(def: ModuleDef, l: RelatedList, i: number): Record<string, unknown> {
  return {
    id: fieldId(def.api_name, `__related.${l.api_name}`),
    sequence_number: String(i + 1),
    display_label: l.display_label,
    api_name: l.api_name,
    module: { api_name: l.module, id: moduleId(l.module) },
    name: l.api_name,
    action: null,
    href: `${def.api_name}/{ENTITYID}/${l.api_name}`,
    type: 'default',
    connectedmodule: null,
    linkingmodule: null,
    visible: true,
    status: 'visible',
  };
}

export function relatedRoutes(app: FastifyInstance, sim: Sim): void {
  app.get('/settings/related_lists', { config: { scopes: () => [settingsScope('related_lists')] } }, (req, reply) => {
    const q = query(req);
    if (!q.module) throw zerr.requiredParam('module');
    const def = moduleDef(q.module);
    if (!def || !def.api_supported) throw zerr.invalidModule();
    return sendJson(reply, 200, { related_lists: relatedListsOf(def).map((l, i) => renderList(def, l, i)) });
  });

  const scopes = (req: FastifyRequest) => {
    const p = params(req);
    return [moduleScope(p.module ?? '', 'READ'), moduleScope(p.related ?? '', 'READ')];
  };
  app.get('/:module/:id/:related', { config: { scopes } }, (req, reply) => {
    const def = requireModule(params(req).module);
    const id = params(req).id ?? '';
    if (!sim.store.find(def.api_name, id)) throw zerr.invalidId(id);
    const list = relatedListsOf(def).find((l) => l.api_name.toLowerCase() === (params(req).related ?? '').toLowerCase());
    if (!list?.lookupField) throw new SimZohoError(400, 'INVALID_DATA', 'the related list name given seems to be invalid', { param_name: 'related_list_api_name' });
    const target = moduleDef(list.module)!;
    const q = query(req);
    const fields = fieldsParam(q, true)!;
    for (const f of fields) if (f !== 'id' && !fieldDef(target, f)) throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: f });
    const related = [...sim.store.moduleRecords(target.api_name).values()]
      .filter((r) => (r.values[list.lookupField!] as { id?: unknown } | null | undefined)?.id === id)
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    if (related.length === 0) return noContent(reply);
    const { slice, info } = paginate(related, intParam(q, 'page', 1, 1, 100_000), intParam(q, 'per_page', 200, 1, 200));
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, { data: slice.map((r) => sim.store.render(r, fields)), info });
  });
}
