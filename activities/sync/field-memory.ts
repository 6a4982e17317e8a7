// Conflict detection for 2 Way fields with a policy other than latest wins (F48). The baseline is the pair
// of values (Zoho's form and Jira's form) the engine last left in agreement; a side whose current value
// differs from its baseline has changed since. Both changed to different values is a conflict: held for a
// person (ask) or decided for one side (zoho, jira). Without a baseline (a mapping just switched to a policy,
// a new link) nothing can be told, so latest wins decides once and the baseline starts from there.
//
// Baselines are staged while one activity call runs and written together at its end (flush). A baseline
// left stale by a call that failed before flushing is harmless: sides that agree never conflict.
import type { JiraIssue } from '../../clients/jira';
import type { ZohoRecord } from '../../clients/zoho';
import { conflictPolicyOf } from '../../contracts/sci-definition';
import type { FieldMapping } from '../../lib/sci/definition';
import type { Prisma, RecordLink } from '../../prisma/generated/client';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { sameTargetValue } from './mapped-values';

interface Baseline {
  zoho: unknown;
  jira: unknown;
}

interface LinkMemory {
  baselines: Map<string, Baseline>;
  held: Map<string, { id: string; zohoValue: unknown; jiraValue: unknown }>;
}

/** What the baseline says about one field whose two values differ. */
export type BaselineDecision =
  /** No policy, or no baseline: the caller's latest-change rule decides. */
  | { kind: 'latest' }
  | { kind: 'side'; side: 'zoho' | 'jira' }
  /** Both changed and the policy is ask, or a conflict on the field is already held: sync neither way. */
  | { kind: 'hold' };

const keyOf = (m: FieldMapping) => `${m.zohoField}\u0000${m.jiraField}`;

export class FieldMemory {
  private readonly links = new Map<string, Promise<LinkMemory>>();
  private readonly staged = new Map<string, { linkId: string; m: FieldMapping; value: Baseline }>();

  constructor(private readonly ctx: SciContext) {}

  private forLink(linkId: string): Promise<LinkMemory> {
    let found = this.links.get(linkId);
    if (!found) {
      found = (async () => {
        const prisma = this.ctx.deps.prisma;
        const [baselines, held] = await Promise.all([
          prisma.syncBaseline.findMany({ where: { linkId } }),
          prisma.syncConflict.findMany({ where: { linkId, status: 'HELD' } }),
        ]);
        return {
          baselines: new Map(baselines.map((b) => [`${b.zohoField}\u0000${b.jiraField}`, b.value as unknown as Baseline])),
          held: new Map(held.map((c) => [`${c.zohoField}\u0000${c.jiraField}`, { id: c.id, zohoValue: c.zohoValue, jiraValue: c.jiraValue }])),
        };
      })();
      this.links.set(linkId, found);
    }
    return found;
  }

  /**
   * The decision for mapping `m` of `link` whose values differ: `zohoValue` as the record holds it,
   * `jiraValue` as the issue holds it. A conflict the policy says to hold is stored here (once per field).
   */
  async decide(link: RecordLink, m: FieldMapping, zohoValue: unknown, jiraValue: unknown, who: Changes, tally: RunTally): Promise<BaselineDecision> {
    const policy = conflictPolicyOf(m);
    if (policy === 'latest') return { kind: 'latest' };
    const memory = await this.forLink(link.id);
    const key = keyOf(m);
    const held = memory.held.get(key);
    if (held) {
      // Still held: the inbox shows what each side holds now, so a resolution keeps what the person saw.
      if (!sameTargetValue(held.zohoValue, zohoValue) || !sameTargetValue(held.jiraValue, jiraValue)) {
        await this.ctx.deps.prisma.syncConflict.update({
          where: { id: held.id },
          data: { zohoValue: asJson(zohoValue), jiraValue: asJson(jiraValue), ...who.zoho(), ...who.jira(m.jiraField) },
        });
        memory.held.set(key, { id: held.id, zohoValue, jiraValue });
      }
      return { kind: 'hold' };
    }
    const base = memory.baselines.get(key);
    if (!base) return { kind: 'latest' };
    const zohoChanged = !sameTargetValue(zohoValue, base.zoho);
    const jiraChanged = !sameTargetValue(jiraValue, base.jira);
    if (zohoChanged && !jiraChanged) return { kind: 'side', side: 'zoho' };
    if (jiraChanged && !zohoChanged) return { kind: 'side', side: 'jira' };
    if (!zohoChanged && !jiraChanged) return { kind: 'latest' }; // cannot be told apart: today's rule
    if (policy !== 'ask') return { kind: 'side', side: policy };
    const row = await this.hold(link, m, zohoValue, jiraValue, who);
    memory.held.set(key, { id: row, zohoValue, jiraValue });
    tally.error(`${link.jiraIssueKey}: conflict on ${m.jiraField} (Zoho CRM ${m.zohoField}) held for review: it changed on both sides`);
    return { kind: 'hold' };
  }

  /** Whether a conflict on the field is held (the field syncs neither way). */
  async isHeld(link: RecordLink, m: FieldMapping): Promise<boolean> {
    if (conflictPolicyOf(m) === 'latest') return false;
    return (await this.forLink(link.id)).held.has(keyOf(m));
  }

  private async hold(link: RecordLink, m: FieldMapping, zohoValue: unknown, jiraValue: unknown, who: Changes): Promise<string> {
    const data = {
      zohoValue: asJson(zohoValue),
      jiraValue: asJson(jiraValue),
      ...who.zoho(),
      ...who.jira(m.jiraField),
      status: 'HELD' as const,
      resolution: null,
      resolvedBy: null,
      resolvedAt: null,
    };
    const row = await this.ctx.deps.prisma.syncConflict.upsert({
      where: { linkId_zohoField_jiraField: { linkId: link.id, zohoField: m.zohoField, jiraField: m.jiraField } },
      create: { tenantId: this.ctx.tenantId, sciId: this.ctx.sci.id, linkId: link.id, zohoField: m.zohoField, jiraField: m.jiraField, ...data },
      update: data,
      select: { id: true },
    });
    return row.id;
  }

  /** Both sides agree on the field now: remembered as its baseline (written at flush). */
  async agreed(link: RecordLink, m: FieldMapping, zohoValue: unknown, jiraValue: unknown): Promise<void> {
    if (conflictPolicyOf(m) === 'latest') return;
    const memory = await this.forLink(link.id);
    const key = keyOf(m);
    const before = memory.baselines.get(key);
    if (before && sameTargetValue(before.zoho, zohoValue) && sameTargetValue(before.jira, jiraValue)) return;
    const value = { zoho: zohoValue ?? null, jira: jiraValue ?? null };
    memory.baselines.set(key, value);
    this.staged.set(`${link.id}\u0000${key}`, { linkId: link.id, m, value });
  }

  /** Writes the staged baselines in one transaction. */
  async flush(): Promise<void> {
    if (this.staged.size === 0) return;
    const prisma = this.ctx.deps.prisma;
    const at = this.ctx.now();
    const rows = [...this.staged.values()];
    this.staged.clear();
    await prisma.$transaction(
      rows.map(({ linkId, m, value }) =>
        prisma.syncBaseline.upsert({
          where: { linkId_zohoField_jiraField: { linkId, zohoField: m.zohoField, jiraField: m.jiraField } },
          create: { linkId, zohoField: m.zohoField, jiraField: m.jiraField, value: asJson(value), syncedAt: at },
          update: { value: asJson(value), syncedAt: at },
        }),
      ),
    );
  }
}

const memories = new WeakMap<SciContext, FieldMemory>();
/** One memory per activity call (its SCI context). */
export function fieldMemory(ctx: SciContext): FieldMemory {
  let m = memories.get(ctx);
  if (!m) memories.set(ctx, (m = new FieldMemory(ctx)));
  return m;
}

function asJson(v: unknown): Prisma.InputJsonValue {
  return (v === undefined ? null : v) as Prisma.InputJsonValue;
}

/** A vendor time (Jira's `+0000` offsets too) as a Date; null when absent or unreadable. */
function timeOf(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : new Date(t);
}

/** Who changed each side last and when, for the inbox. */
export interface Changes {
  zoho(): { zohoChangedBy: string | null; zohoChangedAt: Date | null };
  jira(field: string): { jiraChangedBy: string | null; jiraChangedAt: Date | null };
}

export function changesOf(record: ZohoRecord, issue: JiraIssue): Changes {
  return {
    zoho: () => {
      const by = record.Modified_By as { name?: unknown } | undefined;
      return { zohoChangedBy: typeof by?.name === 'string' ? by.name : null, zohoChangedAt: timeOf(record.Modified_Time) };
    },
    jira: (field) => {
      let latest: { by: string | null; at: Date } | undefined;
      for (const h of issue.changelog?.histories ?? []) {
        if (!h.items.some((i) => (i.fieldId ?? i.field) === field)) continue;
        const at = timeOf(h.created);
        if (!at) continue;
        if (!latest || at > latest.at) latest = { by: h.author?.displayName ?? null, at };
      }
      return { jiraChangedBy: latest?.by ?? null, jiraChangedAt: latest?.at ?? timeOf((issue.fields as Record<string, unknown> | undefined)?.updated) };
    },
  };
}
