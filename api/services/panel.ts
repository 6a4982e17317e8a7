// The issue panel (F23–F27): an issue's links with live previews from Zoho, the SCIs that cover the issue,
// record search, link, unlink and refresh. The issue's project and type always come from Jira (the
// panel's own claims are not trusted), and Zoho is read with the identity zoho-access.ts allows.
import { z } from 'zod';
import { JiraError } from '../../clients/jira';
import { pollingModule, ZohoNotFoundError, ZohoReauthRequiredError, type ZohoClient, type ZohoRecord } from '../../clients/zoho';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError, conflict, notFound } from './api-errors';
import { linkToDto } from './links';
import { PromiseCache } from '../../lib/cache';
import { zohoFieldToDto } from './metadata';
import { definitionOf } from '../../lib/sci/definition';
import { isAutomated, sciRef } from './sci-automation';
import { LOGIN_REQUIRED, REAUTH_REQUIRED, zohoAccess, type ZohoAccess } from './zoho-access';
import type { IssueRef, LinkCard, PanelDto, SearchResult } from '../../contracts/panel';
import { isUniqueViolation } from '../../lib/db/errors';
import { displayValue } from './display-value';
import { lookupFieldNames, relatedCardOf, relatedCards, type RelatedContext } from './panel-related';
import type { RelatedCard } from '../../contracts/related-records';
import { outsideRules, ruleFieldNames } from './panel-scope';
import { createLink, deleteLink, makePrimary } from './link-primary';

type Deps = Pick<AppDeps, 'prisma' | 'cipher' | 'clients' | 'zohoEndpoints' | 'workflows'>;

// The response shapes are the Forge app's contract (contracts/panel.ts); re-exported for the API.
export {
  coveringSciDto,
  issueRefDto,
  linkCardDto,
  panelDto,
  previewFieldDto,
  searchResultDto,
  type IssueRef,
  type LinkCard,
  type PanelDto,
  type SearchResult,
} from '../../contracts/panel';

const issueFieldsSchema = z.looseObject({
  project: z.looseObject({ id: z.string() }),
  issuetype: z.looseObject({ id: z.string() }),
});

// Labels and org domain change rarely; the panel opens often.
const fieldLabels = new PromiseCache({ ttlMs: 5 * 60_000 });
const orgDomains = new PromiseCache({ ttlMs: 10 * 60_000 });

/** The issue as Jira knows it; 404 when the app cannot see it. */
export async function issueRef(deps: Deps, tenantId: string, issueIdOrKey: string): Promise<IssueRef> {
  const jira = await deps.clients.jira(tenantId);
  try {
    const issue = await jira.issues.get(issueIdOrKey, { fields: ['project', 'issuetype'] });
    const fields = issueFieldsSchema.parse(issue.fields);
    return { id: issue.id, key: issue.key, projectId: fields.project.id, issueTypeId: fields.issuetype.id };
  } catch (err) {
    if (err instanceof JiraError && (err.status === 404 || err.status === 400)) throw notFound('Jira issue');
    throw err;
  }
}

export function coveringScis(deps: Pick<Deps, 'prisma'>, tenantId: string, issue: IssueRef) {
  return deps.prisma.smartConnectedItem.findMany({
    where: {
      tenantId,
      enabled: true,
      jiraProjectId: issue.projectId,
      OR: [{ jiraIssueTypeId: issue.issueTypeId }, { jiraIssueTypeId: null }],
    },
    orderBy: [{ name: 'asc' }],
  });
}

/** Fields previewed on the card: the Display item's fields, else the mapped Zoho fields (F13, F24). */
export function previewFieldNames(sci: SmartConnectedItem): string[] {
  const def = definitionOf(sci);
  const names = def.syncMode === 'DISPLAY' ? def.displayFields : def.fieldMappings.map((m) => m.zohoField);
  return [...new Set(names)].slice(0, 49);
}

function nameFieldOf(module: string): string {
  return pollingModule(module)?.nameField ?? 'Name';
}

// How a value reads on the panel lives in its own module (shared with related records, F42).
export { displayValue };

function labelsKey(tenantId: string, access: Extract<ZohoAccess, { state: 'ok' }>, module: string) {
  return `${tenantId}:${access.mode}:${module}`;
}

async function labelsFor(tenantId: string, access: Extract<ZohoAccess, { state: 'ok' }>, module: string): Promise<Map<string, string>> {
  return fieldLabels.get(labelsKey(tenantId, access, module), async () => {
    const fields = await access.client.metadata.fields(module);
    return new Map(fields.map((f) => [f.api_name, zohoFieldToDto(f).label]));
  });
}

async function openUrl(tenantId: string, access: Extract<ZohoAccess, { state: 'ok' }>, module: string, recordId: string): Promise<string> {
  const domain = await orgDomains.get(`${tenantId}:${access.connection.dataCenter}`, async () => (await access.client.metadata.org()).domain_name);
  return access.client.recordWebUrl({ orgDomainName: domain, moduleApiName: module, recordId });
}

async function readRecord(zoho: ZohoClient, module: string, recordId: string, fields: string[]): Promise<ZohoRecord | undefined> {
  try {
    return await zoho.records.get(module, recordId, { fields: [...new Set([...fields, nameFieldOf(module)])] });
  } catch (err) {
    // Zoho answers an unknown id with 204 (undefined above) or, for some modules, INVALID_DATA/NOT_FOUND.
    if (err instanceof ZohoNotFoundError) return undefined;
    if (err instanceof ApiError) throw err;
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'INVALID_DATA') return undefined;
    throw err;
  }
}

function previewOf(record: ZohoRecord | undefined, names: string[], labels: Map<string, string>) {
  return names.map((apiName) => ({ apiName, label: labels.get(apiName) ?? apiName, value: record ? displayValue(record[apiName]) : null }));
}

/** A link's card as the panel shows it (also the answer of a create that was already done, F44). */
export async function card(deps: Pick<Deps, 'clients'>, tenantId: string, access: ZohoAccess, link: RecordLink, sci: SmartConnectedItem): Promise<LinkCard> {
  const jira = () => deps.clients.jira(tenantId);
  const base = {
    ...linkToDto(link),
    sciName: sci.name,
    syncMode: sci.syncMode,
    canUnlink: link.managed === 'MANUAL',
  };
  const names = previewFieldNames(sci);
  if (access.state !== 'ok') {
    const related = await relatedCards(relatedContext(tenantId, access), sci, undefined);
    const outside = await outsideRules(tenantId, access, jira, sci, link, undefined);
    return { ...base, recordName: null, recordFound: null, previewFields: previewOf(undefined, names, new Map()), openUrl: null, related, outsideRules: outside };
  }
  const [record, labels, url] = await Promise.all([
    readRecord(access.client, link.zohoModule, link.zohoRecordId, [...names, ...lookupFieldNames(sci), ...ruleFieldNames(sci)]),
    labelsFor(tenantId, access, link.zohoModule),
    openUrl(tenantId, access, link.zohoModule, link.zohoRecordId),
  ]);
  return {
    ...base,
    recordName: record ? displayValue(record[nameFieldOf(link.zohoModule)]) : null,
    recordFound: record !== undefined,
    previewFields: previewOf(record, names, labels),
    openUrl: url,
    related: await relatedCards(relatedContext(tenantId, access), sci, record),
    outsideRules: await outsideRules(tenantId, access, jira, sci, link, record),
  };
}

/** Labels and web URLs for related records (F42), through the panel's own caches. */
function relatedContext(tenantId: string, access: ZohoAccess): RelatedContext {
  return {
    tenantId,
    access,
    labels: (module) => (access.state === 'ok' ? labelsFor(tenantId, access, module) : Promise.resolve(new Map())),
    openUrl: (module, recordId) => (access.state === 'ok' ? openUrl(tenantId, access, module, recordId) : Promise.reject(new Error('no Zoho access'))),
  };
}

async function linksOfIssue(deps: Pick<Deps, 'prisma'>, tenantId: string, issue: IssueRef) {
  return deps.prisma.recordLink.findMany({
    where: { tenantId, jiraIssueId: issue.id },
    include: { sci: true },
    // F43: primary links first, then the others oldest first.
    orderBy: [{ primary: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
  });
}

export async function panelFor(deps: Deps, tenantId: string, accountId: string | undefined, issueIdOrKey: string): Promise<PanelDto> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const [access, links, scis] = await Promise.all([
    zohoAccess(deps, tenantId, accountId),
    linksOfIssue(deps, tenantId, issue),
    coveringScis(deps, tenantId, issue),
  ]);
  let shown: ZohoAccess = access;
  let cards: LinkCard[];
  try {
    cards = await Promise.all(links.map(({ sci, ...link }) => card(deps, tenantId, shown, link, sci)));
  } catch (err) {
    // The grant was refused while reading (revoked, expired): the panel shows the state, not an error (F6, F26).
    if (!(err instanceof ZohoReauthRequiredError) || access.state !== 'ok') throw err;
    shown =
      access.mode === 'PROVIDERS'
        ? { state: 'login_required', mode: 'PROVIDERS', message: LOGIN_REQUIRED }
        : { state: 'reauth_required', mode: 'APP_OAUTH', message: REAUTH_REQUIRED };
    cards = await Promise.all(links.map(({ sci, ...link }) => card(deps, tenantId, shown, link, sci)));
  }
  return {
    issue,
    state: shown.state,
    message: shown.state === 'ok' ? null : shown.message,
    links: cards,
    scis: scis.map((s) => ({ id: s.id, name: s.name, syncMode: s.syncMode, zohoModule: s.zohoModule })),
  };
}

/** Any state but `ok` stops a Zoho action with the panel's message (409 + code, F26). */
export function requireOk(access: ZohoAccess): Extract<ZohoAccess, { state: 'ok' }> {
  if (access.state === 'ok') return access;
  const code = access.state === 'login_required' ? 'ZOHO_LOGIN_REQUIRED' : access.state === 'reauth_required' ? 'ZOHO_REAUTH_REQUIRED' : 'ZOHO_AUTH_REQUIRED';
  throw new ApiError(409, access.message, code);
}

export async function coveringSci(deps: Deps, tenantId: string, issue: IssueRef, sciId: string): Promise<SmartConnectedItem> {
  const sci = await deps.prisma.smartConnectedItem.findFirst({ where: { id: sciId, tenantId } });
  if (!sci) throw notFound('Smart Connected Item');
  const covers = sci.enabled && sci.jiraProjectId === issue.projectId && (sci.jiraIssueTypeId === null || sci.jiraIssueTypeId === issue.issueTypeId);
  if (!covers) {
    throw new ApiError(422, `"${sci.name}" does not cover ${issue.key}'s project and issue type.`, 'VALIDATION_FAILED', [
      { path: 'sciId', message: `"${sci.name}" does not cover this issue's project and issue type.` },
    ]);
  }
  return sci;
}

/** Record search for the link dialog (F23): a word of the name/title, or a record id. */
export async function searchRecords(
  deps: Deps,
  tenantId: string,
  accountId: string | undefined,
  issueIdOrKey: string,
  query: { q: string; sciId?: string | undefined; limit: number },
): Promise<{ results: SearchResult[] }> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const scis = query.sciId ? [await coveringSci(deps, tenantId, issue, query.sciId)] : await coveringScis(deps, tenantId, issue);
  if (scis.length === 0) return { results: [] };
  const access = requireOk(await zohoAccess(deps, tenantId, accountId));
  const q = query.q.trim();
  const byId = /^\d{6,30}$/.test(q);
  const results: SearchResult[] = [];
  // One search per module, not per SCI: SCIs of one module share results.
  const modules = [...new Set(scis.map((s) => s.zohoModule))];
  const found = new Map<string, ZohoRecord[]>();
  for (const module of modules) {
    const names = [...new Set(scis.filter((s) => s.zohoModule === module).flatMap(previewFieldNames))];
    const fields = [...new Set([nameFieldOf(module), ...names])].slice(0, 50);
    if (byId) {
      const record = await readRecord(access.client, module, q, fields);
      found.set(module, record ? [record] : []);
    } else {
      const page = await access.client.records.search(module, { word: q }, { fields, perPage: query.limit });
      found.set(module, page.records.slice(0, query.limit));
    }
  }
  const ids = [...found.values()].flat().map((r) => r.id);
  const linked = await deps.prisma.recordLink.findMany({
    where: { tenantId, sciId: { in: scis.map((s) => s.id) }, zohoRecordId: { in: ids } },
    select: { sciId: true, zohoRecordId: true, jiraIssueId: true, jiraIssueKey: true },
  });
  // F43: a record may be linked to several issues; this issue's own link is the one worth naming.
  linked.sort((a, b) => Number(b.jiraIssueId === issue.id) - Number(a.jiraIssueId === issue.id));
  for (const sci of scis) {
    const names = previewFieldNames(sci);
    const labels = await labelsFor(tenantId, access, sci.zohoModule);
    for (const record of found.get(sci.zohoModule) ?? []) {
      results.push({
        sciId: sci.id,
        zohoModule: sci.zohoModule,
        recordId: record.id,
        name: displayValue(record[nameFieldOf(sci.zohoModule)]),
        previewFields: previewOf(record, names, labels),
        linkedIssueKey: linked.find((l) => l.sciId === sci.id && l.zohoRecordId === record.id)?.jiraIssueKey ?? null,
      });
    }
  }
  return { results };
}

/** Hands a record to the SCI's workflow so a new or refreshed link syncs now (best effort). */
async function nudgeWorkflow(deps: Deps, sci: SmartConnectedItem, access: ZohoAccess, recordId: string): Promise<boolean> {
  if (!isAutomated(sci) || sci.paused || access.state !== 'ok' || access.mode !== 'APP_OAUTH') return false;
  try {
    await deps.workflows.zohoNotification(sciRef(sci), { channelId: 'panel', operation: 'update', recordIds: [recordId], receivedAt: new Date().toISOString() });
    return true;
  } catch {
    return false; // the next change of the record (or a resync) applies it
  }
}

export async function linkRecord(
  deps: Deps,
  tenantId: string,
  accountId: string | undefined,
  issueIdOrKey: string,
  body: { sciId: string; recordId: string },
): Promise<LinkCard & { syncQueued: boolean }> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const sci = await coveringSci(deps, tenantId, issue, body.sciId);
  const access = requireOk(await zohoAccess(deps, tenantId, accountId));
  const record = await readRecord(access.client, sci.zohoModule, body.recordId, ['id']);
  if (!record) {
    throw new ApiError(422, `Zoho CRM has no ${sci.zohoModule} record ${body.recordId}.`, 'VALIDATION_FAILED', [
      { path: 'recordId', message: `No ${sci.zohoModule} record with this id.` },
    ]);
  }
  return storeManualLink(deps, tenantId, issue, sci, access, record.id);
}

/**
 * The manual link itself, once the record is known to exist: stored, the SCI's workflow told, the card
 * answered. A record created from the panel (F44, create-record.ts) is linked through here too, so it is
 * exactly a manual link.
 */
export async function storeManualLink(
  deps: Deps,
  tenantId: string,
  issue: IssueRef,
  sci: SmartConnectedItem,
  access: Extract<ZohoAccess, { state: 'ok' }>,
  recordId: string,
): Promise<LinkCard & { syncQueued: boolean }> {
  let link: RecordLink;
  try {
    // F43: the issue's first link through this SCI is primary, any further one secondary.
    link = await createLink(deps.prisma, {
      tenantId,
      sciId: sci.id,
      jiraIssueId: issue.id,
      jiraIssueKey: issue.key,
      zohoModule: sci.zohoModule,
      zohoRecordId: recordId,
      managed: 'MANUAL',
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`This record is already linked to ${issue.key} through "${sci.name}".`);
    throw err;
  }
  const syncQueued = await nudgeWorkflow(deps, sci, access, recordId);
  return { ...(await card(deps, tenantId, access, link, sci)), syncQueued };
}

async function linkOfIssue(deps: Deps, tenantId: string, issue: IssueRef, linkId: string) {
  const link = await deps.prisma.recordLink.findFirst({ where: { id: linkId, tenantId, jiraIssueId: issue.id }, include: { sci: true } });
  if (!link) throw notFound('Link');
  return link;
}

/** Manual links only: auto-managed links belong to the sync engine (F25). */
export async function unlinkRecord(deps: Deps, tenantId: string, issueIdOrKey: string, linkId: string): Promise<void> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const link = await linkOfIssue(deps, tenantId, issue, linkId);
  if (link.managed === 'AUTO') {
    throw conflict('This link was created automatically by the sync and is read-only: it cannot be unlinked from the issue panel.');
  }
  // F43: unlinking the primary promotes the issue's oldest other link of that SCI.
  await deleteLink(deps.prisma, link);
}

/** F43: the link becomes the one that drives field sync for its issue and SCI; the panel is answered anew. */
export async function makeLinkPrimary(deps: Deps, tenantId: string, accountId: string | undefined, issueIdOrKey: string, linkId: string): Promise<PanelDto> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const link = await linkOfIssue(deps, tenantId, issue, linkId);
  if (!link.primary) await makePrimary(deps.prisma, link);
  return panelFor(deps, tenantId, accountId, issue.id);
}

/** Re-reads the record now (no cache) and, for synchronized items, asks the workflow to apply it. */
export async function refreshLink(
  deps: Deps,
  tenantId: string,
  accountId: string | undefined,
  issueIdOrKey: string,
  linkId: string,
): Promise<LinkCard & { syncQueued: boolean }> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const { sci, ...link } = await linkOfIssue(deps, tenantId, issue, linkId);
  const access = requireOk(await zohoAccess(deps, tenantId, accountId));
  const syncQueued = await nudgeWorkflow(deps, sci, access, link.zohoRecordId);
  return { ...(await card(deps, tenantId, access, link, sci)), syncQueued };
}

/** Re-reads one related record of a link now (F42): the primary record's lookup, then what it points at. */
export async function refreshRelated(
  deps: Deps,
  tenantId: string,
  accountId: string | undefined,
  issueIdOrKey: string,
  linkId: string,
  lookupField: string,
): Promise<RelatedCard> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const { sci, ...link } = await linkOfIssue(deps, tenantId, issue, linkId);
  const access = requireOk(await zohoAccess(deps, tenantId, accountId));
  const primary = await readRecord(access.client, link.zohoModule, link.zohoRecordId, [lookupField]);
  const related = await relatedCardOf(relatedContext(tenantId, access), sci, lookupField, primary);
  if (!related) throw notFound('Related record');
  return related;
}
