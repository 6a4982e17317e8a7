// Everything one activity call needs about one SCI: its row and parsed definition, and the tenant's vendor
// clients and field metadata — each fetched only when first used, so an idle poll costs one Zoho call.
import type { JiraClient } from '../../clients/jira';
import { pollingModule, type ZohoClient } from '../../clients/zoho';
import type { Logger } from '../../lib/logger';
import { ZOHO_RECORD_ID_FIELD } from '../../contracts/jql-fields';
import { definitionOf, type FieldMapping, type SciDefinition } from '../../lib/sci/definition';
import { jiraFieldType, zohoFieldType, type JiraFieldType, type ZohoFieldType } from '../../lib/sync/field-types';
import { ruleFields } from '../../lib/sync/sync-rules';
import type { TenantClients } from '../../lib/tenant-clients';
import type { PrismaClient, SmartConnectedItem } from '../../prisma/generated/client';
import { PromiseCache } from '../../lib/cache';
import { conflictPolicyOf } from '../../contracts/sci-definition';
import { TimelineBatch } from './timeline';

interface FieldsMeta<T> {
  types: Map<string, T>;
  labels: Map<string, string>;
}

export interface SyncDeps {
  prisma: PrismaClient;
  clients: TenantClients;
  log: Logger;
  now?: () => Date;
  /** How long Jira's search index may lag behind a create (activities/sync/intents.ts); default 15 s. */
  indexLagBudgetMs?: number;
}

/** Field metadata changes rarely; a short cache keeps it off the hot path without going stale for long. */
const METADATA_TTL_MS = 10 * 60_000;

/** Field metadata per tenant and module, shared by the activities of one worker. */
export class MetadataCache extends PromiseCache {
  constructor() {
    super({ ttlMs: METADATA_TTL_MS, max: 10_000 });
  }
}

export class SciContext {
  private zohoClient: Promise<ZohoClient> | undefined;
  private jiraClient: Promise<JiraClient> | undefined;
  /** What this activity call applied per link (F46), written with its run-history row. */
  readonly timeline = new TimelineBatch();

  constructor(
    readonly deps: SyncDeps,
    readonly sci: SmartConnectedItem,
    readonly def: SciDefinition,
    private readonly metadata: MetadataCache,
  ) {}

  get tenantId(): string {
    return this.sci.tenantId;
  }
  get module(): string {
    return this.def.zohoModule;
  }
  now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  zoho(): Promise<ZohoClient> {
    this.zohoClient ??= this.deps.clients.zoho(this.tenantId);
    return this.zohoClient;
  }
  jira(): Promise<JiraClient> {
    this.jiraClient ??= this.deps.clients.jira(this.tenantId);
    return this.jiraClient;
  }

  private zohoMeta(): Promise<FieldsMeta<ZohoFieldType>> {
    return this.metadata.get(`zoho:${this.tenantId}:${this.module}`, async () => {
      const fields = await (await this.zoho()).metadata.fields(this.module);
      return { types: new Map(fields.map((f) => [f.api_name, zohoFieldType(f)])), labels: new Map(fields.map((f) => [f.api_name, f.field_label ?? f.api_name])) };
    });
  }

  private jiraMeta(): Promise<FieldsMeta<JiraFieldType>> {
    return this.metadata.get(`jira:${this.tenantId}`, async () => {
      const fields = await (await this.jira()).metadata.listFields();
      return { types: new Map(fields.map((f) => [f.id, jiraFieldType(f)])), labels: new Map(fields.map((f) => [f.id, f.name ?? f.id])) };
    });
  }

  async zohoFields(): Promise<Map<string, ZohoFieldType>> {
    return (await this.zohoMeta()).types;
  }

  async jiraFields(): Promise<Map<string, JiraFieldType>> {
    return (await this.jiraMeta()).types;
  }

  /** Field labels for the timeline (F46): Zoho's field_label, Jira's field name; the id when unknown. */
  async zohoLabel(apiName: string): Promise<string> {
    return (await this.zohoMeta()).labels.get(apiName) ?? apiName;
  }

  async jiraLabel(fieldId: string): Promise<string> {
    return (await this.jiraMeta()).labels.get(fieldId) ?? fieldId;
  }

  /** Mappings that flow Zoho → Jira: all of them in 1 Way, the non-Jira-owned ones in 2 Way. */
  get zohoToJiraMappings(): FieldMapping[] {
    if (this.def.syncMode === 'ONE_WAY') return this.def.fieldMappings;
    if (this.def.syncMode === 'TWO_WAY') return this.def.fieldMappings.filter((m) => m.owner !== 'JIRA');
    return [];
  }

  /** Mappings that flow Jira → Zoho: only in 2 Way, the non-CRM-owned ones. */
  get jiraToZohoMappings(): FieldMapping[] {
    return this.def.syncMode === 'TWO_WAY' ? this.def.fieldMappings.filter((m) => m.owner !== 'ZOHO') : [];
  }

  /** The module's record-name field, used for summaries when no mapping targets the summary. */
  get nameField(): string | undefined {
    return pollingModule(this.module)?.nameField;
  }

  /** Zoho fields a poll must read: ids and times, mapped fields, the status field, the name field, rule fields, JQL fields. */
  get recordFields(): string[] {
    const fields = new Set(['Modified_Time', 'Created_Time']);
    for (const m of this.def.fieldMappings) fields.add(m.zohoField);
    if (this.def.options.statusSync) fields.add(this.def.options.statusSync.zohoField);
    if (this.nameField) fields.add(this.nameField);
    for (const f of ruleFields(this.def.options.syncRules)) fields.add(f);
    // F48: who last changed the record, for the conflict inbox.
    if (this.def.syncMode === 'TWO_WAY' && this.def.fieldMappings.some((m) => conflictPolicyOf(m) !== 'latest')) fields.add('Modified_By');
    for (const f of this.def.options.jqlFields) if (f.zohoField !== ZOHO_RECORD_ID_FIELD) fields.add(f.zohoField);
    return [...fields].slice(0, 50);
  }
}

export async function loadSciContext(deps: SyncDeps, metadata: MetadataCache, tenantId: string, sciId: string): Promise<SciContext | null> {
  const sci = await deps.prisma.smartConnectedItem.findFirst({ where: { id: sciId, tenantId } });
  if (!sci) return null;
  const def = definitionOf(sci);
  return new SciContext(deps, sci, def, metadata);
}
