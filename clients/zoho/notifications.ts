// Notification (watch) API: channels that make Zoho POST record changes to our notify_url (F33), and the
// parsing and verification of those callbacks (R6: verified by the channel token).
// Docs: https://www.zoho.com/crm/developer/docs/api/v8/notifications/enable.html (and update, get, disable).
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ZohoApi } from './api';
import { ZohoValidationError, zohoErrorFromEnvelope, type ZohoError } from './errors';
import { toZohoDateTime } from './records';
import { watchListSchema, watchResultsSchema, type ZohoWatchChannel } from './schemas';

const notificationScopes = ['ZohoCRM.notifications.ALL'] as const;
/** Zoho refuses channel tokens longer than 50 characters (INVALID_DATA). */
export const MAX_CHANNEL_TOKEN_LENGTH = 50;

export type WatchEventKind = 'create' | 'edit' | 'delete' | 'all';

export interface WatchChannelInput {
  /** A long, chosen by us and echoed back in every callback. */
  channelId: string;
  /** e.g. ['Deals.all'] or ['Leads.create', 'Leads.edit']. */
  events: readonly string[];
  notifyUrl: string;
  /** Echoed in each callback; checked by verifyChannelToken. ≤ 50 characters. */
  token: string;
  /** At most one week ahead; Zoho defaults to one hour. */
  expiresAt?: Date | string;
  returnAffectedFieldValues?: boolean;
  notifyOnRelatedAction?: boolean;
}

export type WatchOutcome = { ok: true; channelId: string; channelExpiry: string | undefined } | { ok: false; error: ZohoError };

export class ZohoNotifications {
  constructor(private readonly api: ZohoApi) {}

  /** Subscribes channels (POST); re-posting an existing channel id renews it. */
  async enable(channels: readonly WatchChannelInput[], opts: { signal?: AbortSignal } = {}): Promise<WatchOutcome[]> {
    return await this.write('notifications.enable', 'POST', channels.map(toWire), opts.signal);
  }

  /** Merges changes into channels (PATCH): used to renew `channel_expiry` before it lapses. */
  async update(
    channels: readonly (Partial<WatchChannelInput> & { channelId: string; events: readonly string[] })[],
    opts: { signal?: AbortSignal } = {},
  ): Promise<WatchOutcome[]> {
    return await this.write('notifications.update', 'PATCH', channels.map(toWire), opts.signal);
  }

  /** Replaces channels (PUT): fields left out are removed. */
  async replace(channels: readonly WatchChannelInput[], opts: { signal?: AbortSignal } = {}): Promise<WatchOutcome[]> {
    return await this.write('notifications.replace', 'PUT', channels.map(toWire), opts.signal);
  }

  /** Stops some events of a channel (PATCH with `_delete_events: true`). */
  async disableEvents(channelId: string, events: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<WatchOutcome[]> {
    return await this.write('notifications.disableEvents', 'PATCH', [{ channel_id: channelId, events, _delete_events: true }], opts.signal);
  }

  /** Subscribed channels; 204 gives `[]`. */
  async list(opts: { channelId?: string; module?: string; page?: number; perPage?: number; signal?: AbortSignal } = {}): Promise<ZohoWatchChannel[]> {
    const operation = 'notifications.list';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: '/actions/watch',
      query: { channel_id: opts.channelId, module: opts.module, page: opts.page, per_page: opts.perPage },
      scopes: notificationScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return [];
    return this.api.parse(watchListSchema, res.body, operation).watch;
  }

  /** Unsubscribes channels. An unknown channel is a row error (NOT_SUBSCRIBED). */
  async disable(channelIds: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<WatchOutcome[]> {
    const operation = 'notifications.disable';
    const res = await this.api.json({
      operation,
      method: 'DELETE',
      path: '/actions/watch',
      query: { channel_ids: channelIds.join(',') },
      scopes: notificationScopes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return toWatchOutcomes(this.api.parse(watchResultsSchema, res.body, operation).watch, res.status, operation);
  }

  private async write(operation: string, method: 'POST' | 'PUT' | 'PATCH', watch: unknown[], signal: AbortSignal | undefined): Promise<WatchOutcome[]> {
    if (watch.length === 0) {
      throw new ZohoValidationError({ code: 'MANDATORY_NOT_FOUND', source: 'client', message: `${operation}: no channels`, operation });
    }
    const res = await this.api.json({ operation, method, path: '/actions/watch', json: { watch }, scopes: notificationScopes, ...(signal ? { signal } : {}) });
    return toWatchOutcomes(this.api.parse(watchResultsSchema, res.body, operation).watch, res.status, operation);
  }
}

function toWire(c: Partial<WatchChannelInput> & { channelId: string; events: readonly string[] }): Record<string, unknown> {
  if (c.token !== undefined && c.token.length > MAX_CHANNEL_TOKEN_LENGTH) {
    throw new ZohoValidationError({
      code: 'INVALID_DATA',
      source: 'client',
      message: `channel token longer than ${MAX_CHANNEL_TOKEN_LENGTH} characters`,
      details: { api_name: 'token' },
    });
  }
  return {
    // Zoho types channel_id as a long; ours are decimal strings kept below 2^53 so the number is exact.
    channel_id: Number(c.channelId),
    events: c.events,
    ...(c.notifyUrl === undefined ? {} : { notify_url: c.notifyUrl }),
    ...(c.token === undefined ? {} : { token: c.token }),
    ...(c.expiresAt === undefined ? {} : { channel_expiry: toZohoDateTime(c.expiresAt) }),
    ...(c.returnAffectedFieldValues === undefined ? {} : { return_affected_field_values: c.returnAffectedFieldValues }),
    ...(c.notifyOnRelatedAction === undefined ? {} : { notify_on_related_action: c.notifyOnRelatedAction }),
  };
}

function toWatchOutcomes(rows: z.infer<typeof watchResultsSchema>['watch'], status: number, operation: string): WatchOutcome[] {
  return rows.map((row) => {
    if (row.status === 'success') {
      const details = row.details ?? {};
      const events = Array.isArray(details.events) ? (details.events as Record<string, unknown>[]) : [];
      const first = events[0];
      const channelId = details.channel_id ?? first?.channel_id;
      const expiry = first?.channel_expiry;
      return {
        ok: true,
        channelId: typeof channelId === 'string' || typeof channelId === 'number' ? String(channelId) : '',
        channelExpiry: typeof expiry === 'string' ? expiry : undefined,
      };
    }
    return {
      ok: false,
      error: zohoErrorFromEnvelope(status >= 400 ? status : 400, { code: row.code, message: row.message, details: row.details }, { operation }),
    };
  });
}

/** The JSON Zoho POSTs to notify_url. Source: reference/zoho-crm-api.md §6 (callback payload). */
export const notificationCallbackSchema = z.object({
  server_time: z.number(),
  query_params: z.record(z.string(), z.unknown()).default({}),
  module: z.string(),
  resource_uri: z.string().optional(),
  ids: z.array(z.union([z.string(), z.number()]).transform(String)),
  affected_fields: z.array(z.record(z.string(), z.array(z.string()))).default([]),
  affected_values: z
    .array(z.object({ record_id: z.union([z.string(), z.number()]).transform(String), values: z.record(z.string(), z.unknown()) }))
    .optional(),
  operation: z.enum(['insert', 'update', 'delete']),
  channel_id: z.union([z.string(), z.number()]).transform(String),
  token: z.string().nullish(),
});
export type ZohoNotificationCallback = z.infer<typeof notificationCallbackSchema>;

/** Parses a callback body (already JSON-decoded); a malformed one is a ZohoValidationError. */
export function parseNotificationCallback(body: unknown): ZohoNotificationCallback {
  const r = notificationCallbackSchema.safeParse(body);
  if (!r.success) {
    throw new ZohoValidationError({
      code: 'INVALID_CALLBACK',
      source: 'client',
      message: `notification callback: ${r.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')} invalid`,
    });
  }
  return r.data;
}

/** Constant-time comparison of the callback's token with the one we registered for that channel. */
export function verifyChannelToken(callback: Pick<ZohoNotificationCallback, 'token'>, expectedToken: string): boolean {
  const got = Buffer.from(callback.token ?? '', 'utf8');
  const want = Buffer.from(expectedToken, 'utf8');
  return got.length === want.length && want.length > 0 && timingSafeEqual(got, want);
}
