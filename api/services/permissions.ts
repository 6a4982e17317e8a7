// Who the calling Jira user is allowed to be (F38): a Jira administrator (the ADMINISTER global permission)
// for everything the admin page does, and someone who can browse the issue for the panel. Jira is asked
// with the app's system token through the bulk permission check, so the answer is Jira's own, never the
// UI's. Answers are kept for a short time per tenant and account: a panel opens with several calls, and
// a permission withdrawn in Jira takes effect within that time.
import { LRUCache } from 'lru-cache';
import type { TenantClients } from '../../lib/tenant-clients';
import { ApiError, fromVendorError } from './api-errors';

/** How long a permission answer is reused. */
export const PERMISSION_TTL_MS = 30_000;
const MAX_ENTRIES = 20_000;

export interface IssueAccess {
  /** Jira's numeric issue id, as resolved with the app's token. */
  issueId: string;
  visible: boolean;
}

export class JiraPermissions {
  private readonly cache: LRUCache<string, boolean | IssueAccess>;

  constructor(
    private readonly deps: { clients: TenantClients },
    opts: { ttlMs?: number } = {},
  ) {
    this.cache = new LRUCache({ max: MAX_ENTRIES, ttl: opts.ttlMs ?? PERMISSION_TTL_MS });
  }

  /** Whether the account holds Jira's ADMINISTER global permission on the tenant's site. */
  async isAdmin(tenantId: string, accountId: string): Promise<boolean> {
    const key = `${tenantId}\u0000${accountId}\u0000admin`;
    const known = this.cache.get(key);
    if (typeof known === 'boolean') return known;
    const jira = await this.jira(tenantId);
    const grants = await this.ask(() => jira.permissions.check({ accountId, globalPermissions: ['ADMINISTER'] }));
    const admin = grants.globalPermissions.includes('ADMINISTER');
    this.cache.set(key, admin);
    return admin;
  }

  /**
   * Whether the account may browse the issue (Jira's BROWSE_PROJECTS, checked on the issue itself so issue
   * security levels count too). Undefined when the issue does not exist.
   */
  async issueAccess(tenantId: string, accountId: string, issueIdOrKey: string): Promise<IssueAccess | undefined> {
    const key = `${tenantId}\u0000${accountId}\u0000issue\u0000${issueIdOrKey.toUpperCase()}`;
    const known = this.cache.get(key);
    if (known !== undefined && typeof known !== 'boolean') return known;
    const jira = await this.jira(tenantId);
    let issueId: string;
    try {
      issueId = /^\d+$/.test(issueIdOrKey) ? issueIdOrKey : (await jira.issues.get(issueIdOrKey, { fields: ['project'] })).id;
    } catch (err) {
      const api = fromVendorError(err, 'Issue');
      if (api?.statusCode === 404) return undefined;
      throw api ?? err;
    }
    const grants = await this.ask(() =>
      jira.permissions.check({ accountId, projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], issues: [issueId] }] }),
    );
    const visible = grants.projectPermissions.some((p) => p.permission === 'BROWSE_PROJECTS' && p.issues.includes(issueId));
    const access = { issueId, visible };
    this.cache.set(key, access);
    return access;
  }

  /**
   * Whether the account may edit the issue (Jira's EDIT_ISSUES on the issue itself): writing to Zoho CRM on
   * the issue's behalf (F44) asks for what editing the issue would.
   */
  async canEditIssue(tenantId: string, accountId: string, issueId: string): Promise<boolean> {
    const key = `${tenantId}\u0000${accountId}\u0000edit\u0000${issueId}`;
    const known = this.cache.get(key);
    if (typeof known === 'boolean') return known;
    const jira = await this.jira(tenantId);
    const grants = await this.ask(() => jira.permissions.check({ accountId, projectPermissions: [{ permissions: ['EDIT_ISSUES'], issues: [issueId] }] }));
    const editable = grants.projectPermissions.some((p) => p.permission === 'EDIT_ISSUES' && p.issues.includes(issueId));
    this.cache.set(key, editable);
    return editable;
  }

  /** Forgets what is known about a tenant's users (uninstall). */
  forgetTenant(tenantId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${tenantId}\u0000`)) this.cache.delete(key);
  }

  private async jira(tenantId: string) {
    try {
      return await this.deps.clients.jira(tenantId);
    } catch (err) {
      throw fromVendorError(err) ?? err;
    }
  }

  /** A failed check refuses the call (fail closed) with a 503 that says to try again, never a 403 or a 200. */
  private async ask<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const api = fromVendorError(err);
      if (api) throw new ApiError(503, `Jira could not confirm your permissions just now. ${api.message}`, api.code, undefined, api.retryAfterSeconds);
      throw err;
    }
  }
}
