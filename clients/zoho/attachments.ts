// Attachments: list, streamed download, streamed multipart upload, delete. Files are never held whole in
// memory: uploads are framed around the caller's stream chunk by chunk, downloads hand back Zoho's body
// as a Node Readable. Docs: https://www.zoho.com/crm/developer/docs/api/v8/get-attachments.html,
// download-attachments.html, upload-attachment.html, delete-attachments.html.
import type { Readable } from 'node:stream';
import { multipartBody } from '../multipart';
import type { ZohoApi } from './api';
import { ZohoValidationError } from './errors';
import { assertBatchSize, toRowOutcomes, type RowOutcome } from './rows';
import { attachmentListSchema, rowResultsSchema, type ZohoAttachment, type ZohoListInfo } from './schemas';

const attachmentScopes = ['ZohoCRM.modules.ALL', 'ZohoCRM.modules.attachments.ALL'] as const;
// Attachment bytes are served through Zoho's file stores; F5 names these as needed for attachment sync.
const downloadScopes = [...attachmentScopes, 'WorkDrive.files.READ', 'ZohoFiles.files.READ'] as const;
export const DEFAULT_ATTACHMENT_FIELDS = ['id', 'File_Name', 'Size', 'Created_Time', 'Modified_Time', 'Owner', 'Parent_Id', 'Created_By'] as const;

export interface AttachmentDownload {
  stream: Readable;
  fileName: string | undefined;
  contentType: string | undefined;
  /** From Content-Length, when Zoho sent one. */
  size: number | undefined;
}

export interface AttachmentUpload {
  fileName: string;
  contentType?: string;
  /** Any byte stream: a Node Readable, a web ReadableStream, or an (async) iterable of chunks. */
  data: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Stop (and fail) the upload once more than this many bytes have been sent. */
  maxBytes?: number;
}

export class ZohoAttachments {
  constructor(private readonly api: ZohoApi) {}

  async list(
    module: string,
    recordId: string,
    opts: { fields?: readonly string[]; page?: number; perPage?: number; signal?: AbortSignal } = {},
  ): Promise<{ attachments: ZohoAttachment[]; info: ZohoListInfo | undefined; moreRecords: boolean }> {
    const operation = 'attachments.list';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}/${encodeURIComponent(recordId)}/Attachments`,
      query: { fields: (opts.fields ?? DEFAULT_ATTACHMENT_FIELDS).join(','), page: opts.page, per_page: opts.perPage },
      scopes: attachmentScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return { attachments: [], info: undefined, moreRecords: false };
    const body = this.api.parse(attachmentListSchema, res.body, operation);
    return { attachments: body.data, info: body.info, moreRecords: body.info?.more_records ?? false };
  }

  /** The file as a stream; undefined when Zoho has no such attachment (204). The caller must consume or destroy it. */
  async download(
    module: string,
    recordId: string,
    attachmentId: string,
    opts: { maxBytes?: number; signal?: AbortSignal } = {},
  ): Promise<AttachmentDownload | undefined> {
    const operation = 'attachments.download';
    const res = await this.api.stream({
      operation,
      method: 'GET',
      path: `/${encodeURIComponent(module)}/${encodeURIComponent(recordId)}/Attachments/${encodeURIComponent(attachmentId)}`,
      scopes: downloadScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.body) return undefined;
    const length = res.headers.get('content-length');
    const size = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    if (opts.maxBytes !== undefined && size !== undefined && size > opts.maxBytes) {
      res.body.destroy();
      throw tooLarge(operation, opts.maxBytes);
    }
    return {
      stream: res.body,
      fileName: fileNameFromDisposition(res.headers.get('content-disposition')),
      contentType: res.headers.get('content-type') ?? undefined,
      size,
    };
  }

  /** Uploads one file as multipart/form-data (field `file`), streaming it. */
  async upload(module: string, recordId: string, file: AttachmentUpload, opts: { signal?: AbortSignal } = {}): Promise<RowOutcome> {
    const operation = 'attachments.upload';
    const { body, contentType } = multipartStream(file, operation);
    const res = await this.api.json({
      operation,
      method: 'POST',
      path: `/${encodeURIComponent(module)}/${encodeURIComponent(recordId)}/Attachments`,
      stream: { body, contentType },
      scopes: attachmentScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return toRowOutcomes(this.api.parse(rowResultsSchema, res.body, operation).data, res.status, operation)[0]!;
  }

  async delete(module: string, recordId: string, attachmentIds: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<RowOutcome[]> {
    const operation = 'attachments.delete';
    assertBatchSize(attachmentIds.length, operation);
    const base = `/${encodeURIComponent(module)}/${encodeURIComponent(recordId)}/Attachments`;
    const res = await this.api.json({
      operation,
      method: 'DELETE',
      ...(attachmentIds.length === 1
        ? { path: `${base}/${encodeURIComponent(attachmentIds[0]!)}` }
        : { path: base, query: { ids: attachmentIds.join(',') } }),
      scopes: attachmentScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return toRowOutcomes(this.api.parse(rowResultsSchema, res.body, operation).data, res.status, operation);
  }
}

/** The upload's multipart body (field `file`), failing once more than `maxBytes` have been sent. */
export function multipartStream(file: AttachmentUpload, operation: string): { body: ReadableStream<Uint8Array>; contentType: string } {
  return multipartBody(
    [{ name: 'file', filename: file.fileName, contentType: file.contentType ?? 'application/octet-stream', data: file.data }],
    file.maxBytes === undefined ? undefined : { maxBytes: file.maxBytes, error: () => tooLarge(operation, file.maxBytes!) },
  );
}

function tooLarge(operation: string, maxBytes: number): ZohoValidationError {
  return new ZohoValidationError({
    code: 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE',
    source: 'client',
    message: `${operation}: file is larger than ${maxBytes} bytes`,
    details: { limit: maxBytes },
    operation,
  });
}

/** filename / filename* from Content-Disposition. */
export function fileNameFromDisposition(value: string | null): string | undefined {
  if (!value) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(value);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(value);
  return plain ? (plain[2] ?? plain[1]?.trim()) : undefined;
}
