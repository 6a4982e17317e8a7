// Records API: list (page up to 2,000 records, page_token beyond), get, insert, update, upsert, delete,
// search, deleted records and count. Docs: https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
// and reference/zoho-crm-api.md §2.
import { ZohoValidationError } from './errors';
import type { ZohoApi } from './api';
import { assertBatchSize, toRowOutcomes, type RowOutcome } from './rows';
import {
  countSchema,
  deletedListSchema,
  recordListSchema,
  rowResultsSchema,
  type ZohoDeletedRecord,
  type ZohoListInfo,
  type ZohoRecord,
} from './schemas';

export const MAX_PER_PAGE = 200;
/** `page` only reaches the first 2,000 records; past that Zoho wants `page_token`. */
export const DISCRETE_PAGE_LIMIT = 2000;
export const MAX_FIELDS_PER_LIST = 50;

const moduleScopes = ['ZohoCRM.modules.ALL'] as const;
const searchScopes = ['ZohoCRM.modules.ALL', 'ZohoSearch.securesearch.READ'] as const;

export interface ListRecordsOptions {
  /** Mandatory for lists in v8 (≤ 50 API names). */
  fields: readonly string[];
  page?: number;
  perPage?: number;
  pageToken?: string;
  sortBy?: 'id' | 'Created_Time' | 'Modified_Time';
  sortOrder?: 'asc' | 'desc';
  /** Only records modified after this instant; Zoho answers 304 when there are none. */
  ifModifiedSince?: Date | string;
  ids?: readonly string[];
  cvid?: string;
  signal?: AbortSignal;
}

export interface RecordPage {
  /** True when Zoho answered 304 to If-Modified-Since: nothing changed, nothing else to do. */
  notModified: boolean;
  records: ZohoRecord[];
  info: ZohoListInfo | undefined;
  moreRecords: boolean;
  nextPageToken: string | undefined;
}

export type SearchBy =
  | { criteria: string }
  | { email: string }
  | { phone: string }
  | { word: string };

export interface SearchOptions {
  fields?: readonly string[];
  page?: number;
  perPage?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** Automation to run; `[]` (the default) skips workflow rules so our writes cause no side effects. */
  trigger?: readonly ('workflow' | 'approval' | 'blueprint')[];
  signal?: AbortSignal;
}

/** Zoho DateTime format: ISO 8601 with seconds and an offset, no milliseconds. */
export function toZohoDateTime(d: Date | string): string {
  if (typeof d === 'string') return d;
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Builds `(Field:op:value)` criteria, escaping `(`, `)` and `,` as Zoho requires. */
export const criteria = {
  condition(field: string, operator: CriteriaOperator, value: string | number | boolean | readonly (string | number)[]): string {
    const v = Array.isArray(value) ? value.map((x) => escapeCriteria(String(x))).join(',') : escapeCriteria(String(value));
    return `(${field}:${operator}:${v})`;
  },
  and(...parts: string[]): string {
    return parts.length === 1 ? parts[0]! : `(${parts.join('and')})`;
  },
  or(...parts: string[]): string {
    return parts.length === 1 ? parts[0]! : `(${parts.join('or')})`;
  },
};
export type CriteriaOperator =
  | 'equals'
  | 'not_equal'
  | 'starts_with'
  | 'in'
  | 'greater_than'
  | 'greater_equal'
  | 'less_than'
  | 'less_equal'
  | 'between';

function escapeCriteria(v: string): string {
  return v.replace(/[\\(),]/g, (c) => `\\${c}`);
}

export class ZohoRecords {
  constructor(private readonly api: ZohoApi) {}

  /** One page of records. 204 (empty module) gives an empty page; 304 gives `notModified`. */
  async list(module: string, opts: ListRecordsOptions): Promise<RecordPage> {
    const operation = 'records.list';
    if (opts.fields.length === 0 || opts.fields.length > MAX_FIELDS_PER_LIST) {
      throw new ZohoValidationError({
        code: 'LIMIT_EXCEEDED',
        source: 'client',
        message: `${operation}: between 1 and ${MAX_FIELDS_PER_LIST} fields`,
        operation,
      });
    }
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}`,
      query: {
        fields: opts.fields.join(','),
        per_page: opts.perPage ?? MAX_PER_PAGE,
        ...(opts.pageToken ? { page_token: opts.pageToken } : { page: opts.page ?? 1 }),
        sort_by: opts.sortBy,
        sort_order: opts.sortOrder,
        ids: opts.ids?.join(','),
        cvid: opts.cvid,
      },
      headers: opts.ifModifiedSince ? { 'If-Modified-Since': toZohoDateTime(opts.ifModifiedSince) } : {},
      scopes: moduleScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 304) return { notModified: true, records: [], info: undefined, moreRecords: false, nextPageToken: undefined };
    if (res.status === 204 || res.body === undefined) {
      return { notModified: false, records: [], info: undefined, moreRecords: false, nextPageToken: undefined };
    }
    const body = this.api.parse(recordListSchema, res.body, operation);
    return {
      notModified: false,
      records: body.data,
      info: body.info,
      moreRecords: body.info?.more_records ?? false,
      nextPageToken: body.info?.next_page_token ?? undefined,
    };
  }

  /**
   * Every page, in order, as an async iterator (bounded by Zoho's own 100,000-record token limit).
   * Pages 1–10 use `page`; beyond 2,000 records it follows `next_page_token`. A 304 yields one
   * `notModified` page and stops.
   */
  async *pages(module: string, opts: Omit<ListRecordsOptions, 'page' | 'pageToken'>): AsyncGenerator<RecordPage> {
    const perPage = opts.perPage ?? MAX_PER_PAGE;
    let page = 1;
    let pageToken: string | undefined;
    for (;;) {
      const result = await this.list(module, { ...opts, perPage, ...(pageToken ? { pageToken } : { page }) });
      yield result;
      if (result.notModified || !result.moreRecords) return;
      if (!pageToken && page * perPage < DISCRETE_PAGE_LIMIT) {
        page += 1;
        continue;
      }
      if (!result.nextPageToken) {
        throw new ZohoValidationError({
          code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
          source: 'client',
          message: 'records.pages: more than 2,000 records but Zoho returned no next_page_token',
          operation: 'records.pages',
        });
      }
      pageToken = result.nextPageToken;
    }
  }

  /** One record by id, or undefined when Zoho has none (204). */
  async get(module: string, id: string, opts: { fields?: readonly string[]; signal?: AbortSignal } = {}): Promise<ZohoRecord | undefined> {
    const operation = 'records.get';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}/${encodeURIComponent(id)}`,
      query: { fields: opts.fields?.join(',') },
      scopes: moduleScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return undefined;
    return this.api.parse(recordListSchema, res.body, operation).data[0];
  }

  /** Inserts up to 100 records; each row has its own outcome. */
  async insert(module: string, records: readonly Record<string, unknown>[], opts: WriteOptions = {}): Promise<RowOutcome[]> {
    assertBatchSize(records.length, 'records.insert');
    return await this.write('records.insert', 'POST', `/${encodeURIComponent(module)}`, { data: records, trigger: opts.trigger ?? [] }, opts.signal);
  }

  /** Updates up to 100 records (each with its `id`). */
  async update(module: string, records: readonly ({ id: string } & Record<string, unknown>)[], opts: WriteOptions = {}): Promise<RowOutcome[]> {
    assertBatchSize(records.length, 'records.update');
    return await this.write('records.update', 'PUT', `/${encodeURIComponent(module)}`, { data: records, trigger: opts.trigger ?? [] }, opts.signal);
  }

  /** Inserts or updates by `duplicateCheckFields`: the retry-safe write (Zoho has no idempotency key). */
  async upsert(
    module: string,
    records: readonly Record<string, unknown>[],
    duplicateCheckFields: readonly string[],
    opts: WriteOptions = {},
  ): Promise<RowOutcome[]> {
    assertBatchSize(records.length, 'records.upsert');
    return await this.write(
      'records.upsert',
      'POST',
      `/${encodeURIComponent(module)}/upsert`,
      { data: records, duplicate_check_fields: duplicateCheckFields, trigger: opts.trigger ?? [] },
      opts.signal,
    );
  }

  /** Deletes up to 100 records by id. */
  async delete(module: string, ids: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<RowOutcome[]> {
    assertBatchSize(ids.length, 'records.delete');
    const operation = 'records.delete';
    const res = await this.api.json({
      operation,
      method: 'DELETE',
      path: `/${encodeURIComponent(module)}`,
      query: { ids: ids.join(',') },
      scopes: moduleScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return toRowOutcomes(this.api.parse(rowResultsSchema, res.body, operation).data, res.status, operation);
  }

  /** Search by criteria, email, phone or word. No match is Zoho's 204, returned as `[]`. */
  async search(module: string, by: SearchBy, opts: SearchOptions = {}): Promise<{ records: ZohoRecord[]; moreRecords: boolean }> {
    const operation = 'records.search';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}/search`,
      query: {
        ...by,
        fields: opts.fields?.join(','),
        page: opts.page,
        per_page: opts.perPage,
      },
      scopes: searchScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return { records: [], moreRecords: false };
    const body = this.api.parse(recordListSchema, res.body, operation);
    return { records: body.data, moreRecords: body.info?.more_records ?? false };
  }

  /** Deleted records (recycle bin and permanent), newest first; 204/304 give `[]`. */
  async deleted(
    module: string,
    opts: { type?: 'all' | 'recycle' | 'permanent'; page?: number; perPage?: number; ifModifiedSince?: Date | string; signal?: AbortSignal } = {},
  ): Promise<{ records: ZohoDeletedRecord[]; moreRecords: boolean; notModified: boolean }> {
    const operation = 'records.deleted';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}/deleted`,
      query: { type: opts.type ?? 'all', page: opts.page, per_page: opts.perPage },
      headers: opts.ifModifiedSince ? { 'If-Modified-Since': toZohoDateTime(opts.ifModifiedSince) } : {},
      scopes: moduleScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 304) return { records: [], moreRecords: false, notModified: true };
    if (res.status === 204 || res.body === undefined) return { records: [], moreRecords: false, notModified: false };
    const body = this.api.parse(deletedListSchema, res.body, operation);
    return { records: body.data, moreRecords: body.info?.more_records ?? false, notModified: false };
  }

  /** Number of records in a module. */
  async count(module: string, opts: { signal?: AbortSignal } = {}): Promise<number> {
    const operation = 'records.count';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}/actions/count`,
      scopes: moduleScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return 0;
    return this.api.parse(countSchema, res.body, operation).count;
  }

  private async write(operation: string, method: 'POST' | 'PUT', path: string, json: unknown, signal: AbortSignal | undefined): Promise<RowOutcome[]> {
    const res = await this.api.json({ operation, method, path, json, scopes: moduleScopes, ...(signal ? { signal } : {}) });
    return toRowOutcomes(this.api.parse(rowResultsSchema, res.body, operation).data, res.status, operation);
  }
}

