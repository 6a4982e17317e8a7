// Attachments, streamed both ways: F19 forbids holding a whole file in memory.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import type { JiraHttp } from './http';
import { multipartBody, type ByteSource } from '../multipart';
import { attachmentSchema, attachmentSettingsSchema, type JiraAttachment, type JiraAttachmentSettings } from './schemas';

export interface UploadInput {
  filename: string;
  /** Defaults to application/octet-stream. */
  contentType?: string;
  data: ByteSource;
}

export interface TransferOptions {
  signal?: AbortSignal;
  /** Budget until Jira answers; an upload's whole body is sent within it. Default 10 minutes. */
  timeoutMs?: number;
}

const TRANSFER_TIMEOUT_MS = 10 * 60_000;

/**
 * POST /rest/api/3/issue/{issueIdOrKey}/attachments as multipart/form-data (part name `file`), with the
 * `X-Atlassian-Token: no-check` header Jira's XSRF check demands. Returns the created attachments.
 */
export async function uploadAttachment(
  http: JiraHttp,
  issueIdOrKey: string,
  input: UploadInput,
  opts: TransferOptions = {},
): Promise<JiraAttachment[]> {
  const { body, contentType } = multipartBody([
    { name: 'file', filename: input.filename, contentType: input.contentType ?? 'application/octet-stream', data: input.data },
  ]);
  return http.request({
    method: 'POST',
    path: `/rest/api/3/issue/${encodeURIComponent(issueIdOrKey)}/attachments`,
    headers: { 'content-type': contentType, 'x-atlassian-token': 'no-check' },
    body,
    schema: z.array(attachmentSchema),
    timeoutMs: opts.timeoutMs ?? TRANSFER_TIMEOUT_MS,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

export interface DownloadedAttachment {
  /** The bytes, read from the socket only as fast as the consumer reads them. */
  stream: Readable;
  contentType: string | undefined;
  /** From Content-Length, when Jira sends it. */
  size: number | undefined;
}

/**
 * GET /rest/api/3/attachment/content/{id}?redirect=false: the bytes straight from Jira. (The default
 * answers 303 to a media host, and a redirect is where an Authorization header could leak or be dropped.)
 */
export async function downloadAttachment(
  http: JiraHttp,
  attachmentId: string,
  opts: TransferOptions = {},
): Promise<DownloadedAttachment> {
  const res = await http.requestRaw({
    method: 'GET',
    path: `/rest/api/3/attachment/content/${encodeURIComponent(attachmentId)}`,
    query: { redirect: false },
    headers: { accept: '*/*' },
    timeoutMs: opts.timeoutMs ?? TRANSFER_TIMEOUT_MS,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const length = res.headers.get('content-length');
  const stream = res.body
    ? Readable.fromWeb(res.body as unknown as NodeWebReadableStream<Uint8Array>)
    : Readable.from([] as Uint8Array[]);
  return {
    stream,
    contentType: res.headers.get('content-type') ?? undefined,
    size: length !== null && /^\d+$/.test(length) ? Number(length) : undefined,
  };
}

/** GET /rest/api/3/attachment/{id}: metadata only. */
export async function getAttachment(http: JiraHttp, attachmentId: string, opts: { signal?: AbortSignal } = {}): Promise<JiraAttachment> {
  return http.request({
    method: 'GET',
    path: `/rest/api/3/attachment/${encodeURIComponent(attachmentId)}`,
    schema: attachmentSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** GET /rest/api/3/attachment/meta: whether attachments are on, and the upload limit in bytes. */
export async function getAttachmentSettings(http: JiraHttp, opts: { signal?: AbortSignal } = {}): Promise<JiraAttachmentSettings> {
  return http.request({
    method: 'GET',
    path: '/rest/api/3/attachment/meta',
    schema: attachmentSettingsSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
