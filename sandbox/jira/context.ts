// Shared state of one running simulator: the site (store), who may call it, the Forge delivery queue,
// request statistics, fault injection and rate limiting. Writes go through `act`, which also publishes
// the Forge event a real site would.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ForgeEvent } from './events';
import type { ForgeDelivery, InstallationInfo } from './forge';
import { renderStatus, renderUser } from './render';
import { APP_USER, ISSUE_TYPES, STATUSES } from './seed';
import { formatJiraDate, JiraApiError, scalar, type ChangelogEntry, type JiraStore, type SimAttachment, type SimComment, type SimIssue } from './store';

export interface FaultSpec {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regular expression tested against the path (without query and without `/ex/jira/{cloudId}`). */
  path?: string;
  /** Status to answer; 0 drops the connection without an answer. */
  status: number;
  /** How many matching requests fail; default 1. */
  times?: number;
  retryAfterSeconds?: number;
  /** Body to answer with; default Jira's envelope with a generic message. */
  body?: unknown;
  /** `RateLimit-Reason` header for 429s (e.g. jira-burst-based, jira-per-issue-on-write). */
  rateLimitReason?: string;
  /**
   * Not a refusal: the request is carried out and its real answer held back this long (`status` is not
   * used) — a write the caller gave up waiting for that still happened.
   */
  delayMs?: number;
}

interface ActiveFault extends FaultSpec {
  id: string;
  remaining: number;
  pathRe?: RegExp;
}

/** A site-wide outage of the REST API (a test control; Jira Cloud has incidents, see README). */
export interface OutageSpec {
  /** How long every REST call fails, from now. */
  durationMs: number;
  /** Status to answer; default 503; 0 drops the connection without an answer. */
  status?: number;
  /** `Retry-After` seconds to send with the failures (Jira may send one with a 503). Default none. */
  retryAfterSeconds?: number;
}

export interface ActiveOutage {
  untilMs: number;
  status: number;
  retryAfterSeconds?: number;
}

export interface BasicCredential {
  email: string;
  apiToken: string;
  accountId: string;
}

export interface Stats {
  total: number;
  byEndpoint: Record<string, number>;
  bytesReceived: number;
  bytesSent: number;
}

export class SimContext {
  url = '';
  readonly faults: ActiveFault[] = [];
  /** Further cloud ids this simulator answers for under /ex/jira/{cloudId} (one site's data, several installations in tests). */
  readonly siteAliases = new Set<string>();
  stats: Stats = { total: 0, byEndpoint: {}, bytesReceived: 0, bytesSent: 0 };
  rateLimit: { perSecond: number; burst: number; tokens: number; last: number } | undefined;
  private outageState: ActiveOutage | undefined;
  private systemTokens = new Map<string, number>();
  private currentToken = '';

  constructor(
    readonly store: JiraStore,
    readonly delivery: ForgeDelivery,
    readonly basicCredentials: BasicCredential[],
    readonly installation: () => InstallationInfo,
    readonly attachmentDir: string,
    public uploadLimit: number,
  ) {
    this.rotateSystemToken();
  }

  // -------------------------------------------------------------------------------------------------
  // Authentication

  /** The app system token Forge hands the remote; valid 4 h like Forge's, accepted as Bearer. */
  get systemToken(): string {
    const exp = this.systemTokens.get(this.currentToken);
    if (exp === undefined || exp - Date.now() < 2 * 3_600_000) this.rotateSystemToken();
    return this.currentToken;
  }

  rotateSystemToken(): string {
    this.currentToken = `sandbox-system-${randomBytes(24).toString('base64url')}`;
    this.systemTokens.set(this.currentToken, Date.now() + 4 * 3_600_000);
    return this.currentToken;
  }

  /** Revokes every system token (an uninstall or a revoked grant); the next delivery carries a new one. */
  revokeSystemTokens(): void {
    this.systemTokens.clear();
    this.currentToken = '';
  }

  /** The account the request acts as, or a 401. */
  authenticate(req: FastifyRequest): string {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header);
    if (bearer) {
      const exp = this.systemTokens.get(bearer[1]!.trim());
      if (exp !== undefined && exp > Date.now()) return APP_USER.accountId;
    }
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const cred = this.basicCredentials.find((c) => c.email === decoded.slice(0, i) && c.apiToken === decoded.slice(i + 1));
      if (cred) return cred.accountId;
    }
    throw new JiraApiError(401, ['Client must be authenticated to access this resource.']);
  }

  // -------------------------------------------------------------------------------------------------
  // Faults and rate limits

  addFault(spec: FaultSpec): string {
    const id = randomBytes(6).toString('hex');
    this.faults.push({ ...spec, id, remaining: spec.times ?? 1, ...(spec.path ? { pathRe: new RegExp(spec.path) } : {}) });
    return id;
  }

  takeFault(method: string, path: string): ActiveFault | undefined {
    const i = this.faults.findIndex((f) => (!f.method || f.method.toUpperCase() === method) && (!f.pathRe || f.pathRe.test(path)));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (--f.remaining <= 0) this.faults.splice(i, 1);
    return f;
  }

  setOutage(spec: OutageSpec): ActiveOutage {
    const status = spec.status ?? 503;
    if (!Number.isInteger(status) || (status !== 0 && (status < 400 || status > 599))) throw new Error('outage status must be 0 or 400..599');
    this.outageState = {
      untilMs: Date.now() + Math.max(0, spec.durationMs),
      status,
      ...(spec.retryAfterSeconds !== undefined ? { retryAfterSeconds: spec.retryAfterSeconds } : {}),
    };
    return this.outageState;
  }

  clearOutage(): void {
    this.outageState = undefined;
  }

  /** The outage in force now, if any (an ended one is forgotten). */
  get outage(): ActiveOutage | undefined {
    if (this.outageState && this.outageState.untilMs <= Date.now()) this.outageState = undefined;
    return this.outageState;
  }

  /** Token bucket; returns seconds to wait when empty. */
  takeRateToken(): number | undefined {
    const rl = this.rateLimit;
    if (!rl) return undefined;
    const now = Date.now();
    rl.tokens = Math.min(rl.burst, rl.tokens + ((now - rl.last) / 1000) * rl.perSecond);
    rl.last = now;
    if (rl.tokens >= 1) {
      rl.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - rl.tokens) / rl.perSecond));
  }

  count(endpoint: string): void {
    this.stats.total++;
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
  }

  resetStats(): void {
    this.stats = { total: 0, byEndpoint: {}, bytesReceived: 0, bytesSent: 0 };
  }

  // -------------------------------------------------------------------------------------------------
  // Forge events

  private forgeIssue(issue: SimIssue) {
    const base = this.url;
    const project = this.store.projects.get(issue.projectId)!;
    const type = ISSUE_TYPES.find((t) => t.id === issue.issueTypeId)!;
    const status = STATUSES.find((s) => s.id === issue.statusId)!;
    const assignee = typeof issue.values.assignee === 'string' ? this.store.user(issue.values.assignee) : undefined;
    return {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: scalar(issue.values.summary),
        issueType: { id: type.id, name: type.name, description: type.description, iconUrl: base + type.iconUrl, subtask: false, hierarchyLevel: 0, avatarId: type.avatarId },
        project: { id: project.id, key: project.key, name: project.name, projectTypeKey: project.projectTypeKey, simplified: false },
        status: renderStatus(base, status) as { id: string; name: string },
        created: formatJiraDate(issue.created),
        updated: formatJiraDate(issue.updated),
        creator: renderUser(base, this.store.user(issue.creatorId)) as { accountId: string } | null,
        reporter: renderUser(base, this.store.user(issue.reporterId)) as { accountId: string } | null,
        assignee: (assignee ? renderUser(base, assignee) : null) as { accountId: string } | null,
      },
    };
  }

  private common(actorId: string) {
    return { selfGenerated: actorId === APP_USER.accountId, atlassianId: actorId, associatedUsers: [{ accountId: actorId }] };
  }

  private publish(event: ForgeEvent, subject: string): void {
    this.delivery.publish(event, subject);
  }

  issueCreated(issue: SimIssue, actorId: string): void {
    this.publish({ eventType: 'avi:jira:created:issue', issue: this.forgeIssue(issue), ...this.common(actorId) }, issue.key);
  }

  issueUpdated(issue: SimIssue, entry: ChangelogEntry, actorId: string): void {
    const statusItem = entry.items.find((i) => i.fieldId === 'status');
    const resolved = entry.items.some((i) => i.fieldId === 'resolution' && i.to !== null);
    this.publish(
      {
        eventType: 'avi:jira:updated:issue',
        issue: this.forgeIssue(issue),
        changelog: { id: entry.id, items: entry.items },
        ...(statusItem
          ? {
              associatedStatuses: [statusItem.from, statusItem.to]
                .filter((id): id is string => id !== null)
                .map((id) => {
                  const s = STATUSES.find((x) => x.id === id)!;
                  return { id: s.id, name: s.name };
                }),
            }
          : {}),
        jiraEventTypeName: resolved ? 'issue_resolved' : 'issue_generic',
        ...this.common(actorId),
      },
      issue.key,
    );
  }

  issueDeleted(issue: SimIssue, actorId: string): void {
    this.publish({ eventType: 'avi:jira:deleted:issue', issue: this.forgeIssue(issue), ...this.common(actorId) }, issue.key);
  }

  commented(issue: SimIssue, comment: SimComment, actorId: string): void {
    const author = renderUser(this.url, this.store.user(comment.authorId)) as { accountId: string };
    const updateAuthor = renderUser(this.url, this.store.user(comment.updateAuthorId)) as { accountId: string };
    this.publish(
      {
        eventType: 'avi:jira:commented:issue',
        issue: this.forgeIssue(issue),
        comment: {
          id: comment.id,
          body: comment.body,
          author,
          updateAuthor,
          created: formatJiraDate(comment.created),
          updated: formatJiraDate(comment.updated),
        },
        ...this.common(actorId),
      },
      issue.key,
    );
  }

  attachmentCreated(issue: SimIssue, a: SimAttachment, actorId: string): void {
    this.publish(
      {
        eventType: 'avi:jira:created:attachment',
        attachment: {
          id: a.id,
          issueId: a.issueId,
          filename: a.filename,
          mimeType: a.mimeType,
          size: a.size,
          created: formatJiraDate(a.created),
          author: renderUser(this.url, this.store.user(a.authorId)) as { accountId: string },
        },
        ...this.common(actorId),
      },
      issue.key,
    );
  }
}
