// Notes (v8 shapes: Parent_Id is an object). Each note needs the parent module's scope and the notes
// scope. Per-record routes sit on the related-list path /{module}/{id}/Notes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { moduleDef } from '../catalog';
import { rowError, SimZohoError, zerr } from '../errors';
import { moduleScope, opForMethod } from '../scopes';
import { userRef, moduleId, type StoredNote } from '../store';
import { zohoDateTime } from '../time';
import { actor, bulkStatus, dataRows, fieldsParam, idsParam, intParam, noContent, paginate, params, query, requireModule, sendJson, type Sim } from './common';

const noteScope = (req: FastifyRequest): string[] => [`ZohoCRM.modules.notes.${opForMethod(req.method)}`];
const perRecordScopes = (req: FastifyRequest) => [moduleScope(params(req).module ?? '', opForMethod(req.method) === 'READ' ? 'READ' : 'UPDATE'), noteScope(req)];
const notesScopes = (req: FastifyRequest) => [noteScope(req)];

export function renderNote(sim: Sim, n: StoredNote): Record<string, unknown> {
  const parent = sim.store.find(n.parentModule, n.parentId);
  const owner = userRef(n.ownerId);
  return {
    Modified_Time: zohoDateTime(n.modifiedMs),
    $attachments: [],
    Owner: owner,
    Created_Time: zohoDateTime(n.createdMs),
    Parent_Id: {
      module: { api_name: n.parentModule, id: moduleId(n.parentModule) },
      id: n.parentId,
      name: parent ? sim.store.displayName(parent) : n.parentId,
    },
    $editable: true,
    $is_shared_to_client: false,
    $sharing_permission: 'full_access',
    Modified_By: { name: owner.name, id: owner.id },
    $size: String(Buffer.byteLength(n.content)),
    $state: 'save',
    $voice_note: false,
    id: n.id,
    Created_By: { name: owner.name, id: owner.id },
    Note_Title: n.title ?? '',
    Note_Content: n.content,
  };
}

function noteSuccess(n: StoredNote, message: string): Record<string, unknown> {
  const by = { name: userRef(n.ownerId).name, id: n.ownerId };
  return {
    code: 'SUCCESS',
    details: { Modified_Time: zohoDateTime(n.modifiedMs), Modified_By: by, Created_Time: zohoDateTime(n.createdMs), id: n.id, Created_By: by },
    message,
    status: 'success',
  };
}

export function noteRoutes(app: FastifyInstance, sim: Sim): void {
  const listNotes = (notes: StoredNote[], req: FastifyRequest) => {
    const q = query(req);
    fieldsParam(q, true);
    const order = q.sort_order ?? 'asc';
    const sorted = [...notes].sort((a, b) => (order === 'desc' ? b.modifiedMs - a.modifiedMs : a.createdMs - b.createdMs));
    return paginate(sorted, intParam(q, 'page', 1, 1, 100_000), intParam(q, 'per_page', 200, 1, 200));
  };

  const create = (rows: unknown[], req: FastifyRequest, parentFromPath?: { module: string; id: string }) => {
    const created: StoredNote[] = [];
    const results = rows.map((row, i) => {
      if (!row || typeof row !== 'object') return rowError('INVALID_DATA', 'invalid data', { api_name: 'data', expected_data_type: 'jsonobject' });
      const r = row as Record<string, unknown>;
      let parent = parentFromPath;
      if (!parent) {
        const p = r.Parent_Id as { id?: unknown; module?: { api_name?: unknown; id?: unknown } } | undefined;
        if (!p) return rowError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'Parent_Id' });
        if (typeof p !== 'object' || typeof p.id !== 'string' || !p.module || typeof p.module !== 'object') {
          return rowError('INVALID_DATA', 'invalid data', { api_name: 'Parent_Id', expected_data_type: 'jsonobject' });
        }
        const modName = typeof p.module.api_name === 'string' ? p.module.api_name : undefined;
        const byId = typeof p.module.id === 'string' ? [...sim.store.records.keys()].find((m) => moduleId(m) === p.module!.id) : undefined;
        const name = modName ?? byId;
        if (!name || !moduleDef(name)?.api_supported) return rowError('INVALID_DATA', 'invalid data', { api_name: 'Parent_Id', expected_data_type: 'jsonobject' });
        parent = { module: name, id: p.id };
      }
      if (!sim.store.find(parent.module, parent.id)) {
        return rowError('INVALID_DATA', 'invalid data', { api_name: 'Parent_Id', expected_data_type: 'jsonobject' });
      }
      const content = r.Note_Content;
      if (content === undefined || content === null || content === '') return rowError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'Note_Content' });
      if (typeof content !== 'string') return rowError('INVALID_DATA', 'invalid data', { api_name: 'Note_Content', expected_data_type: 'text' });
      if (content.length > 32000) return rowError('INVALID_DATA', 'invalid data', { api_name: 'Note_Content', maximum_length: 32000 });
      const title = r.Note_Title;
      if (title !== undefined && title !== null && typeof title !== 'string') return rowError('INVALID_DATA', 'invalid data', { api_name: 'Note_Title', expected_data_type: 'text' });
      const t = sim.store.stamp();
      const note: StoredNote = {
        id: sim.store.nextId(),
        parentModule: parent.module,
        parentId: parent.id,
        title: typeof title === 'string' ? title : null,
        content,
        ownerId: actor(req),
        createdMs: t,
        modifiedMs: t,
      };
      void i;
      sim.store.notes.set(note.id, note);
      created.push(note);
      return noteSuccess(note, 'record added');
    });
    // Zoho documents 202 for notes whose rows failed (notes.json).
    return { status: bulkStatus(created.length, rows.length, 201) === 201 ? 201 : 202, body: { data: results } };
  };

  // Per-record related list.
  app.get('/:module/:id/Notes', { config: { scopes: perRecordScopes } }, (req, reply) => {
    const def = requireModule(params(req).module);
    const id = params(req).id ?? '';
    if (!sim.store.find(def.api_name, id)) throw zerr.invalidId(id);
    const notes = [...sim.store.notes.values()].filter((n) => n.parentModule === def.api_name && n.parentId === id);
    if (notes.length === 0) return noContent(reply);
    const { slice, info } = listNotes(notes, req);
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, { data: slice.map((n) => renderNote(sim, n)), info });
  });

  app.post('/:module/:id/Notes', { config: { scopes: perRecordScopes } }, (req, reply) => {
    const def = requireModule(params(req).module);
    const id = params(req).id ?? '';
    if (!sim.store.find(def.api_name, id)) throw zerr.invalidId(id);
    const r = create(dataRows(req.body), req, { module: def.api_name, id });
    return sendJson(reply, r.status, r.body);
  });

  // Notes module.
  app.get('/Notes', { config: { scopes: notesScopes } }, (req, reply) => {
    const q = query(req);
    const ids = q.ids ? idsParam(q) : undefined;
    const notes = [...sim.store.notes.values()].filter((n) => !ids || ids.includes(n.id));
    if (notes.length === 0) return noContent(reply);
    const { slice, info } = listNotes(notes, req);
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, { data: slice.map((n) => renderNote(sim, n)), info });
  });

  app.get('/Notes/:id', { config: { scopes: notesScopes } }, (req, reply) => {
    const n = sim.store.notes.get(params(req).id ?? '');
    if (!n) return noContent(reply);
    return sendJson(reply, 200, { data: [renderNote(sim, n)] });
  });

  app.post('/Notes', { config: { scopes: notesScopes } }, (req, reply) => {
    const r = create(dataRows(req.body), req);
    return sendJson(reply, r.status, r.body);
  });

  app.put('/Notes/:id', { config: { scopes: notesScopes } }, (req, reply) => {
    const id = params(req).id ?? '';
    const n = sim.store.notes.get(id);
    if (!n) throw zerr.invalidId(id);
    const rows = dataRows(req.body, 1);
    const row = rows[0];
    if (!row || typeof row !== 'object') throw zerr.invalidBody();
    const r = row as Record<string, unknown>;
    if (r.Note_Content !== undefined) {
      if (typeof r.Note_Content !== 'string' || r.Note_Content === '') throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'Note_Content' });
      n.content = r.Note_Content;
    }
    if (r.Note_Title !== undefined) {
      if (r.Note_Title !== null && typeof r.Note_Title !== 'string') throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'Note_Title' });
      n.title = r.Note_Title;
    }
    n.modifiedMs = Math.max(sim.store.stamp(), n.modifiedMs);
    return sendJson(reply, 200, { data: [noteSuccess(n, 'record updated')] });
  });

  const deleteNotes = (ids: string[]) => {
    let ok = 0;
    const data = ids.map((id) => {
      const n = sim.store.notes.get(id);
      if (!n) return rowError('INVALID_DATA', 'record not deleted', { id });
      sim.store.notes.delete(id);
      ok += 1;
      return noteSuccess(n, 'record deleted');
    });
    return { status: ok === ids.length ? 200 : 202, body: { data } };
  };

  app.delete('/Notes/:id', { config: { scopes: notesScopes } }, (req, reply) => {
    const id = params(req).id ?? '';
    if (!sim.store.notes.has(id)) throw zerr.invalidId(id);
    const r = deleteNotes([id]);
    return sendJson(reply, r.status, r.body);
  });

  app.delete('/Notes', { config: { scopes: notesScopes } }, (req, reply) => {
    const r = deleteNotes(idsParam(query(req)));
    return sendJson(reply, r.status, r.body);
  });
}
