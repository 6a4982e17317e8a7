// Notes with v8 shapes (`Parent_Id` is an object naming module and record). Per-record listing goes
// through the related-list route. Docs: https://www.zoho.com/crm/developer/docs/api/v8/get-notes.html,
// create-notes.html, update-notes.html, delete-notes.html.
import type { ZohoApi } from './api';
import { toZohoDateTime } from './records';
import { assertBatchSize, toRowOutcomes, type RowOutcome } from './rows';
import { noteListSchema, rowResultsSchema, type ZohoNote, type ZohoListInfo } from './schemas';

const noteScopes = ['ZohoCRM.modules.ALL', 'ZohoCRM.modules.notes.ALL'] as const;
export const DEFAULT_NOTE_FIELDS = ['Note_Title', 'Note_Content', 'Parent_Id', 'Owner', 'Created_Time', 'Modified_Time', 'Created_By'] as const;

export interface NewNote {
  module: string;
  recordId: string;
  title?: string;
  content: string;
}

export class ZohoNotes {
  constructor(private readonly api: ZohoApi) {}

  /** Notes of one record, oldest first by default; 204 gives `[]`. */
  async listForRecord(
    module: string,
    recordId: string,
    opts: { fields?: readonly string[]; page?: number; perPage?: number; sortOrder?: 'asc' | 'desc'; signal?: AbortSignal } = {},
  ): Promise<{ notes: ZohoNote[]; info: ZohoListInfo | undefined; moreRecords: boolean }> {
    const operation = 'notes.listForRecord';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}/${encodeURIComponent(recordId)}/Notes`,
      query: {
        fields: (opts.fields ?? DEFAULT_NOTE_FIELDS).join(','),
        page: opts.page,
        per_page: opts.perPage,
        sort_by: opts.sortOrder ? 'Modified_Time' : undefined,
        sort_order: opts.sortOrder,
      },
      scopes: noteScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return { notes: [], info: undefined, moreRecords: false };
    const body = this.api.parse(noteListSchema, res.body, operation);
    return { notes: body.data, info: body.info, moreRecords: body.info?.more_records ?? false };
  }

  /**
   * Notes of every record, oldest change first, changed after `ifModifiedSince` (304 → `notModified`). Zoho
   * lets only administrators list the Notes module (403 NOT_SUPPORTED otherwise). This is how a note added
   * to a record that did not otherwise change is found: the record's own Modified_Time does not move.
   */
  async listModified(
    opts: { ifModifiedSince: Date | string; fields?: readonly string[]; page?: number; perPage?: number; signal?: AbortSignal },
  ): Promise<{ notModified: boolean; notes: ZohoNote[]; moreRecords: boolean }> {
    const operation = 'notes.listModified';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: '/Notes',
      query: {
        fields: (opts.fields ?? DEFAULT_NOTE_FIELDS).join(','),
        page: opts.page ?? 1,
        per_page: opts.perPage ?? 200,
        sort_by: 'Modified_Time',
        sort_order: 'asc',
      },
      headers: { 'If-Modified-Since': toZohoDateTime(opts.ifModifiedSince) },
      scopes: noteScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 304) return { notModified: true, notes: [], moreRecords: false };
    if (res.status === 204 || res.body === undefined) return { notModified: false, notes: [], moreRecords: false };
    const body = this.api.parse(noteListSchema, res.body, operation);
    return { notModified: false, notes: body.data, moreRecords: body.info?.more_records ?? false };
  }

  /** Creates up to 100 notes, each attached to its parent record. */
  async create(notes: readonly NewNote[], opts: { signal?: AbortSignal } = {}): Promise<RowOutcome[]> {
    const operation = 'notes.create';
    assertBatchSize(notes.length, operation);
    const res = await this.api.json({
      operation,
      method: 'POST',
      path: '/Notes',
      json: {
        data: notes.map((n) => ({
          Parent_Id: { module: { api_name: n.module }, id: n.recordId },
          ...(n.title === undefined ? {} : { Note_Title: n.title }),
          Note_Content: n.content,
        })),
      },
      scopes: noteScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return toRowOutcomes(this.api.parse(rowResultsSchema, res.body, operation).data, res.status, operation);
  }

  async update(noteId: string, change: { title?: string; content?: string }, opts: { signal?: AbortSignal } = {}): Promise<RowOutcome> {
    const operation = 'notes.update';
    const res = await this.api.json({
      operation,
      method: 'PUT',
      path: `/Notes/${encodeURIComponent(noteId)}`,
      json: {
        data: [
          {
            ...(change.title === undefined ? {} : { Note_Title: change.title }),
            ...(change.content === undefined ? {} : { Note_Content: change.content }),
          },
        ],
      },
      scopes: noteScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return toRowOutcomes(this.api.parse(rowResultsSchema, res.body, operation).data, res.status, operation)[0]!;
  }

  async delete(noteId: string, opts: { signal?: AbortSignal } = {}): Promise<RowOutcome> {
    const operation = 'notes.delete';
    const res = await this.api.json({
      operation,
      method: 'DELETE',
      path: `/Notes/${encodeURIComponent(noteId)}`,
      scopes: noteScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return toRowOutcomes(this.api.parse(rowResultsSchema, res.body, operation).data, res.status, operation)[0]!;
  }
}
