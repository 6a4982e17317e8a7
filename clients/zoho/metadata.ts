// Metadata: modules, fields (types, picklists, lookups, read-only, mandatory), layouts, org and the
// current user. Docs: https://www.zoho.com/crm/developer/docs/api/v8/modules-api.html, field-meta.html,
// layouts-meta.html, get-org-data.html, get-users.html.
import type { ZohoApi } from './api';
import {
  fieldsSchema,
  layoutsSchema,
  modulesSchema,
  orgResponseSchema,
  usersSchema,
  type ZohoCrmUser,
  type ZohoFieldMeta,
  type ZohoLayout,
  type ZohoModuleMeta,
  type ZohoOrg,
} from './schemas';
import { ZohoNotFoundError } from './errors';

type Opts = { signal?: AbortSignal };

export class ZohoMetadata {
  constructor(private readonly api: ZohoApi) {}

  async modules(opts: Opts = {}): Promise<ZohoModuleMeta[]> {
    const operation = 'metadata.modules';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: '/settings/modules',
      scopes: ['ZohoCRM.settings.modules.READ'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return [];
    return this.api.parse(modulesSchema, res.body, operation).modules;
  }

  /** Fields of one module, across layouts. */
  async fields(module: string, opts: Opts = {}): Promise<ZohoFieldMeta[]> {
    const operation = 'metadata.fields';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: '/settings/fields',
      query: { module },
      scopes: ['ZohoCRM.settings.fields.READ'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return [];
    return this.api.parse(fieldsSchema, res.body, operation).fields;
  }

  async layouts(module: string, opts: Opts = {}): Promise<ZohoLayout[]> {
    const operation = 'metadata.layouts';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: '/settings/layouts',
      query: { module },
      scopes: ['ZohoCRM.settings.layouts.READ'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return [];
    return this.api.parse(layoutsSchema, res.body, operation).layouts;
  }

  /** The org: `domain_name` builds web URLs (F24). */
  async org(opts: Opts = {}): Promise<ZohoOrg> {
    const operation = 'metadata.org';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: '/org',
      scopes: ['ZohoCRM.org.READ'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return this.api.parse(orgResponseSchema, res.body, operation).org[0]!;
  }

  /** One CRM user by id (`GET /users/{id}`), or undefined when Zoho answers 204: an owner lookup's user (F42). */
  async user(id: string, opts: Opts = {}): Promise<ZohoCrmUser | undefined> {
    const operation = 'metadata.user';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: `/users/${encodeURIComponent(id)}`,
      scopes: ['ZohoCRM.users.READ'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 204 || res.body === undefined) return undefined;
    return this.api.parse(usersSchema, res.body, operation).users[0];
  }

  /** Active CRM users (`GET /users?type=ActiveUsers`, 200 a page, up to 50 pages): user mapping by e-mail (F41). */
  async users(opts: Opts = {}): Promise<ZohoCrmUser[]> {
    const operation = 'metadata.users';
    const all: ZohoCrmUser[] = [];
    for (let page = 1; page <= 50; page++) {
      const res = await this.api.json({
        operation,
        method: 'GET',
        path: '/users',
        query: { type: 'ActiveUsers', page, per_page: 200 },
        scopes: ['ZohoCRM.users.READ'],
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (res.status === 204 || res.body === undefined) break;
      const body = this.api.parse(usersSchema, res.body, operation);
      all.push(...body.users);
      if (body.info?.more_records !== true) break;
    }
    return all;
  }

  /** The CRM user the token belongs to. */
  async currentUser(opts: Opts = {}): Promise<ZohoCrmUser> {
    const operation = 'metadata.currentUser';
    const res = await this.api.json({
      operation,
      method: 'GET',
      path: '/users',
      query: { type: 'CurrentUser' },
      scopes: ['ZohoCRM.users.READ'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const user = res.body === undefined ? undefined : this.api.parse(usersSchema, res.body, operation).users[0];
    if (!user) throw new ZohoNotFoundError({ code: 'NO_CONTENT', status: res.status, message: `${operation}: no current user`, operation });
    return user;
  }
}
