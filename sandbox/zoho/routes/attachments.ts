// Attachments: multipart upload streamed to disk with a size limit, link attachments, list, streamed
// download (which also needs the WorkDrive/ZohoFiles scopes, see README) and delete.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rowError, SimZohoError, zerr } from '../errors';
import { moduleScope, opForMethod } from '../scopes';
import { randomToken, userRef, type StoredAttachment } from '../store';
import { zohoDateTime } from '../time';
import { actor, fieldsParam, idsParam, intParam, noContent, paginate, params, query, requireModule, sendJson, type Sim } from './common';

const attachmentScopes = (req: FastifyRequest) => [
  moduleScope(params(req).module ?? '', opForMethod(req.method) === 'READ' ? 'READ' : 'UPDATE'),
  [`ZohoCRM.modules.attachments.${opForMethod(req.method)}`],
];
const downloadScopes = (req: FastifyRequest) => [...attachmentScopes(req), ['WorkDrive.files.READ'], ['ZohoFiles.files.READ']];

function render(sim: Sim, a: StoredAttachment): Record<string, unknown> {
  const parent = sim.store.find(a.parentModule, a.parentId);
  const owner = userRef(a.ownerId);
  const link = a.path === '';
  return {
    Owner: owner,
    Modified_By: { name: owner.name, id: owner.id },
    Created_By: { name: owner.name, id: owner.id },
    Parent_Id: { id: a.parentId, name: parent ? sim.store.displayName(parent) : a.parentId },
    $sharing_permission: 'full_access',
    $attachment_type: link ? 3 : 1,
    id: a.id,
    Modified_Time: zohoDateTime(a.modifiedMs),
    Created_Time: zohoDateTime(a.createdMs),
    File_Name: a.fileName,
    Size: String(a.size),
    $editable: true,
    $file_id: a.fileId,
    $type: link ? 'Link URL' : 'Attachment',
    $se_module: a.parentModule,
    $state: 'save',
    $link_url: link ? a.contentType : null,
  };
}

function uploaded(a: StoredAttachment): Record<string, unknown> {
  const by = { name: userRef(a.ownerId).name, id: a.ownerId, email: userRef(a.ownerId).email };
  return {
    code: 'SUCCESS',
    details: { Modified_Time: zohoDateTime(a.modifiedMs), Modified_By: by, Created_Time: zohoDateTime(a.createdMs), id: a.id, Created_By: by },
    message: 'attachment uploaded successfully',
    status: 'success',
  };
}

function safeName(name: string): string {
  return name.replace(/[\r\n"\\]/g, '_');
}

export function attachmentRoutes(app: FastifyInstance, sim: Sim): void {
  const parentOf = (req: FastifyRequest): { module: string; id: string } => {
    const def = requireModule(params(req).module);
    const id = params(req).id ?? '';
    if (!sim.store.find(def.api_name, id)) throw zerr.invalidId(id);
    return { module: def.api_name, id };
  };

  app.get('/:module/:id/Attachments', { config: { scopes: attachmentScopes } }, (req, reply) => {
    const parent = parentOf(req);
    const q = query(req);
    fieldsParam(q, true);
    const ids = q.ids ? idsParam(q) : undefined;
    const list = [...sim.store.attachments.values()]
      .filter((a) => a.parentModule === parent.module && a.parentId === parent.id && (!ids || ids.includes(a.id)))
      .sort((a, b) => b.createdMs - a.createdMs);
    if (list.length === 0) return noContent(reply);
    const { slice, info } = paginate(list, intParam(q, 'page', 1, 1, 100_000), intParam(q, 'per_page', 200, 1, 200));
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, { data: slice.map((a) => render(sim, a)), info });
  });

  app.post('/:module/:id/Attachments', { config: { scopes: attachmentScopes } }, async (req, reply) => {
    const parent = parentOf(req);
    const q = query(req);
    const t = sim.store.stamp();
    const base = { parentModule: parent.module, parentId: parent.id, ownerId: actor(req), createdMs: t, modifiedMs: t, fileId: randomToken(20) };
    if (!req.isMultipart()) {
      const url = q.attachmentUrl;
      if (!url) throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { related_status: 'invalid', resource_path_index: 0 });
      try {
        new URL(url);
      } catch {
        throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { related_status: 'invalid', resource_path_index: 0 });
      }
      const a: StoredAttachment = { ...base, id: sim.store.nextId(), fileName: q.title ?? url, contentType: url, size: 0, path: '' };
      sim.store.attachments.set(a.id, a);
      return sendJson(reply, 200, { data: [uploaded(a)] });
    }
    const max = sim.settings.attachmentMaxBytes;
    const part = await req.file({ limits: { fileSize: max, files: 1 } });
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { related_status: 'invalid', resource_path_index: 0 });
    }
    const id = sim.store.nextId();
    const path = join(sim.settings.filesDir, id);
    try {
      // Streamed straight to disk: the simulator never holds the file in memory either.
      await pipeline(part.file, createWriteStream(path));
    } catch (e) {
      await rm(path, { force: true });
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' || part.file.truncated) {
        void reply.header('connection', 'close');
        throw new SimZohoError(413, 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'The file size is more than the allowed size', { limit: max });
      }
      throw e;
    }
    if (part.file.truncated) {
      // busboy stops writing at the limit and flags the stream rather than failing it.
      await rm(path, { force: true });
      void reply.header('connection', 'close');
      throw new SimZohoError(413, 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'The file size is more than the allowed size', { limit: max });
    }
    const size = (await stat(path)).size;
    const a: StoredAttachment = {
      ...base,
      id,
      fileName: part.filename || 'attachment',
      contentType: part.mimetype || 'application/octet-stream',
      size,
      path,
    };
    sim.store.attachments.set(a.id, a);
    return sendJson(reply, 200, { data: [uploaded(a)] });
  });

  app.get('/:module/:id/Attachments/:attachment_id', { config: { scopes: downloadScopes } }, (req, reply) => {
    const parent = parentOf(req);
    const a = sim.store.attachments.get(params(req).attachment_id ?? '');
    if (!a || a.parentId !== parent.id || a.path === '') return noContent(reply);
    return reply
      .code(200)
      .header('content-type', a.contentType)
      .header('content-length', String(a.size))
      .header('content-disposition', `attachment; filename="${safeName(a.fileName)}"; filename*=UTF-8''${encodeURIComponent(a.fileName)}`)
      .send(createReadStream(a.path));
  });

  const remove = async (parentId: string, ids: string[]) => {
    let ok = 0;
    const data = [];
    for (const id of ids) {
      const a = sim.store.attachments.get(id);
      if (!a || a.parentId !== parentId) {
        data.push(rowError('INVALID_DATA', 'the id given seems to be invalid', { id }));
        continue;
      }
      sim.store.attachments.delete(id);
      if (a.path) await rm(a.path, { force: true });
      ok += 1;
      data.push({ code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' });
    }
    return { status: ok === ids.length ? 200 : ok === 0 ? 400 : 207, body: { data } };
  };

  app.delete('/:module/:id/Attachments/:attachment_id', { config: { scopes: attachmentScopes } }, async (req, reply) => {
    const parent = parentOf(req);
    const r = await remove(parent.id, [params(req).attachment_id ?? '']);
    return sendJson(reply, r.status, r.body);
  });

  app.delete('/:module/:id/Attachments', { config: { scopes: attachmentScopes } }, async (req, reply) => {
    const parent = parentOf(req);
    const r = await remove(parent.id, idsParam(query(req)));
    return sendJson(reply, r.status, r.body);
  });
}
