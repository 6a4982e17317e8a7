// Notes (v8 shapes: Parent_Id is an object). Each note needs the parent module's scope and the notes
// scope. Per-record routes sit on the related-list path /{module}/{id}/Notes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { moduleDef } from '../catalog';
import { rowError, SimZohoError, zerr } from '../errors';
import { moduleScope, opForMethod } from '../scopes';
import { randomToken, userRef, moduleId, USERS, type StoredNote } from '../store';
import { zohoDateTime } from '../time';
import {
  actor,
  bulkStatus,
  dataRows,
  fieldsParam,
  idsParam,
  ifModifiedSince,
  intParam,
  noContent,
  paginate,
  params,
  query,
  requireModule,
  sendJson,
  type Query,
  type Sim,
} from './common';
import { prunePageTokens } from './records';

const PAGE_TOKEN_TTL_MS = 24 * 3_600_000;
const DISCRETE_LIMIT = 2000;
const TOKEN_LIMIT = 100_000;

/** sort_by id|Created_Time|Modified_Time, sort_order asc|desc; default oldest first (get-notes doc). */
function noteOrder(q: Query): { sortBy: string; sortOrder: string } {
  const sortBy = q.sort_by ?? 'Created_Time';
  if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy)) throw zerr.invalidParam('sort_by');
  const sortOrder = q.sort_order ?? 'asc';
  if (!['asc', 'desc'].includes(sortOrder)) throw zerr.invalidParam('sort_order');
  return { sortBy, sortOrder };
}

function sortNotes(notes: readonly StoredNote[], sortBy: string, sortOrder: string): StoredNote[] {
  const key = (n: StoredNote): number | bigint => (sortBy === 'Modified_Time' ? n.modifiedMs : sortBy === 'Created_Time' ? n.createdMs : BigInt(n.id));
  const dir = sortOrder === 'asc' ? 1 : -1;
  return [...notes].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
    return (BigInt(a.id) < BigInt(b.id) ? -1 : 1) * dir;
  });
}

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
    const { sortBy, sortOrder } = noteOrder(q);
    const { slice, info } = paginate(sortNotes(notes, sortBy, sortOrder), intParam(q, 'page', 1, 1, 100_000), intParam(q, 'per_page', 200, 1, 200));
    return { slice, info: { ...info, sort_by: sortBy, sort_order: sortOrder } };
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

  // Notes module: every note of the org (administrators only, reference §2.1/§4). A module list like any
  // other: fields mandatory, sort_by/sort_order, page/per_page (first 2,000), page_token beyond, and
  // If-Modified-Since → only notes modified after it, 304 when none.
  app.get('/Notes', { config: { scopes: notesScopes } }, (req, reply) => {
    const q = query(req);
    const user = actor(req);
    if ((USERS.find((u) => u.id === user)?.profile ?? 'Administrator') !== 'Administrator') {
      throw new SimZohoError(403, 'NOT_SUPPORTED', 'The Notes module cannot be listed by a non-admin user', {});
    }
    const fields = fieldsParam(q, true)!;
    const perPage = intParam(q, 'per_page', 200, 1, 200);
    const { sortBy, sortOrder } = noteOrder(q);
    const ims = ifModifiedSince(req);
    const ids = q.ids ? idsParam(q) : undefined;
    const bind = JSON.stringify(['Notes', fields, perPage, sortBy, sortOrder, ids ?? null, ims ?? null]);
    let offset: number;
    if (q.page_token !== undefined) {
      if (q.page !== undefined) throw new SimZohoError(400, 'AMBIGUITY_DURING_PROCESSING', 'page and page_token cannot be given together', { param_names: ['page', 'page_token'] });
      const state = sim.pageTokens.get(q.page_token);
      if (!state || state.userId !== user) throw zerr.invalidParam('page_token');
      if (state.expiresMs < sim.now()) throw new SimZohoError(400, 'EXPIRED_VALUE', 'the page_token has expired', { param: 'page_token' });
      if (state.bind !== bind) throw new SimZohoError(400, 'TOKEN_BOUND_DATA_MISMATCH', 'the request parameters do not match the page_token', { param: 'page_token' });
      offset = state.offset;
      if (offset >= TOKEN_LIMIT) throw new SimZohoError(400, 'PAGINATION_LIMIT_EXCEEDED', 'pagination limit exceeded', { limit: TOKEN_LIMIT });
    } else {
      const page = intParam(q, 'page', 1, 1, 100_000);
      offset = (page - 1) * perPage;
      if (offset + perPage > DISCRETE_LIMIT) {
        throw new SimZohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'page and per_page reach only the first 2000 records; use page_token', { limit: DISCRETE_LIMIT });
      }
    }
    let notes = [...sim.store.notes.values()].filter((n) => !ids || ids.includes(n.id));
    if (ims !== undefined) {
      notes = notes.filter((n) => n.modifiedMs > ims);
      if (notes.length === 0) return noContent(reply, 304);
    }
    if (notes.length === 0) return noContent(reply);
    const sorted = sortNotes(notes, sortBy, sortOrder);
    const slice = sorted.slice(offset, offset + perPage);
    if (slice.length === 0) return noContent(reply);
    const more = offset + perPage < sorted.length;
    const info: Record<string, unknown> = {
      per_page: perPage,
      count: slice.length,
      sort_by: sortBy,
      page: Math.floor(offset / perPage) + 1,
      sort_order: sortOrder,
      more_records: more,
    };
    if (more) {
      prunePageTokens(sim);
      const token = randomToken(12);
      const expiresMs = sim.now() + PAGE_TOKEN_TTL_MS;
      sim.pageTokens.set(token, { bind, offset: offset + perPage, expiresMs, userId: user });
      info.next_page_token = token;
      info.page_token_expiry = zohoDateTime(expiresMs);
    }
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
