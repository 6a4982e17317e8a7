// One mapped field's value on its way to the other side (F41 on top of F14/F15): the value map
// (lib/sync/value-map.ts) or user map (lib/sync/user-map.ts) first, then the type conversion
// (lib/sync/field-types.ts). A value the maps say to leave alone comes back as `leave` with a note for the
// run history, so an unmatched user or unmapped value never clears a field silently. User look-ups (Jira's
// user search, Zoho's users list) are made once per activity call and SCI context.
import type { JiraUser } from '../../clients/jira';
import type { ZohoCrmUser } from '../../clients/zoho';
import type { FieldMapping } from '../../lib/sci/definition';
import {
  jiraKind,
  jiraToZoho,
  sameValue,
  zohoKind,
  zohoToJira,
  type JiraFieldType,
  type ZohoFieldType,
} from '../../lib/sync/field-types';
import {
  byEmail,
  DEFAULT_USER_MAP,
  jiraAccountFor,
  zohoUserFor,
  type JiraPerson,
  type UserTarget,
  type ZohoPerson,
} from '../../lib/sync/user-map';
import { mapJiraToZoho, mapZohoToJira, type MappedValue } from '../../lib/sync/value-map';
import type { SciContext } from './context';

/** `note`, when set, goes to the run history (an unmatched user, even when a default user was written). */
export type MappedConversion =
  | { kind: 'write'; value: unknown; note?: string | null }
  | { kind: 'fail'; reason: string; note?: null }
  /** Leave the target field as it is; `extra` are other fields to write (a user's name as text). */
  | { kind: 'leave'; note: string | null; extra: Record<string, unknown> };

const isUserMapping = (zf: ZohoFieldType, jf: JiraFieldType) => zohoKind(zf) === 'user' && jiraKind(jf) === 'user';
// A map with nothing in it would leave every value unchanged; it is ignored, so the plain conversion runs.
const usesValueMap = (m: FieldMapping) =>
  !!m.valueMap &&
  (m.valueMap.entries.length > 0 ||
    m.valueMap.defaultJiraValue !== null ||
    m.valueMap.defaultZohoValue !== null ||
    m.valueMap.unmapped === 'CLEAR');

interface Directory {
  jira: Map<string, Promise<JiraUser | undefined>>;
  zoho?: Promise<ZohoCrmUser[]>;
}
const directories = new WeakMap<SciContext, Directory>();
function directoryOf(ctx: SciContext): Directory {
  let d = directories.get(ctx);
  if (!d) directories.set(ctx, (d = { jira: new Map() }));
  return d;
}

function jiraByEmail(ctx: SciContext): (email: string) => Promise<JiraPerson | undefined> {
  const d = directoryOf(ctx);
  return (email) => {
    const key = email.trim().toLowerCase();
    let found = d.jira.get(key);
    if (!found) d.jira.set(key, (found = ctx.jira().then((j) => j.metadata.findUserByEmail(key))));
    return found;
  };
}

function zohoByEmail(ctx: SciContext): (email: string) => Promise<ZohoPerson | undefined> {
  const d = directoryOf(ctx);
  return async (email) => {
    d.zoho ??= ctx.zoho().then((z) => z.metadata.users());
    const u = byEmail(await d.zoho, email);
    return u ? { id: u.id, name: u.full_name, email: u.email } : undefined;
  };
}

function leaveFor(
  mapped: Extract<MappedValue, { write: false }>,
  field: string,
  side: 'Jira' | 'Zoho CRM',
): MappedConversion {
  const values = mapped.unmapped.map((v) => `"${v}"`).join(', ');
  return {
    kind: 'leave',
    note: `${values} has no value mapping to ${side} and no default; ${field} left unchanged`,
    extra: {},
  };
}

function fromUserTarget(target: UserTarget, write: (id: string) => unknown): MappedConversion {
  if (target.kind === 'user') return { kind: 'write', value: write(target.id) };
  if (target.kind === 'text') return { kind: 'leave', note: target.note, extra: { [target.field]: target.name } };
  return { kind: 'leave', note: target.note, extra: {} };
}

/** A Zoho record's value for the Jira field of mapping `m`. */
export async function valueForJira(
  ctx: SciContext,
  m: FieldMapping,
  raw: unknown,
  zf: ZohoFieldType,
  jf: JiraFieldType,
): Promise<MappedConversion> {
  if (isUserMapping(zf, jf)) {
    const user = zohoPerson(raw);
    if (!user) return { kind: 'leave', note: null, extra: {} };
    const target = await jiraAccountFor(user, m.userMap ?? DEFAULT_USER_MAP, jf.id, jiraByEmail(ctx));
    return withTargetNote(
      target,
      fromUserTarget(target, (accountId) => ({ accountId })),
    );
  }
  let source = raw;
  if (m.valueMap && usesValueMap(m)) {
    const mapped = mapZohoToJira(raw, m.valueMap);
    if (!mapped.write) return leaveFor(mapped, jf.id, 'Jira');
    source = mapped.value;
  }
  const converted = zohoToJira(source, zf, jf);
  return converted.ok ? { kind: 'write', value: converted.value } : { kind: 'fail', reason: converted.reason };
}

/** A Jira issue's value for the Zoho field of mapping `m` (2 Way). */
export async function valueForZoho(
  ctx: SciContext,
  m: FieldMapping,
  raw: unknown,
  jf: JiraFieldType,
  zf: ZohoFieldType,
): Promise<MappedConversion> {
  if (isUserMapping(zf, jf)) {
    const user = jiraPerson(raw);
    // Zoho CRM's Owner always holds a user: an unassigned issue leaves it as it is.
    if (!user)
      return {
        kind: 'leave',
        note:
          zf.dataType === 'ownerlookup' ? `${jf.id} has no user; ${zf.apiName} needs one and was left unchanged` : null,
        extra: {},
      };
    const target = await zohoUserFor(user, m.userMap ?? DEFAULT_USER_MAP, zf.apiName, zohoByEmail(ctx));
    return withTargetNote(
      target,
      fromUserTarget(target, (id) => ({ id })),
    );
  }
  let source = raw;
  if (m.valueMap && usesValueMap(m)) {
    const mapped = mapJiraToZoho(raw, m.valueMap);
    if (!mapped.write) return leaveFor(mapped, zf.apiName, 'Zoho CRM');
    source = mapped.value;
  }
  const converted = jiraToZoho(source, jf, zf);
  return converted.ok ? { kind: 'write', value: converted.value } : { kind: 'fail', reason: converted.reason };
}

function withTargetNote(target: UserTarget, conversion: MappedConversion): MappedConversion {
  return target.kind === 'user' && target.note && conversion.kind === 'write'
    ? { ...conversion, note: target.note }
    : conversion;
}

/** Whether the target field already holds the value: users compare by their id, the rest as before. */
export function sameTargetValue(current: unknown, next: unknown): boolean {
  const idOf = (v: unknown): string | undefined => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const o = v as { accountId?: unknown; id?: unknown };
    if (typeof o.accountId === 'string') return o.accountId;
    return undefined;
  };
  const a = idOf(current);
  const b = idOf(next);
  if (a !== undefined || b !== undefined) return a === b;
  const zohoUser = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { id?: unknown }).id === 'string' && !('value' in v)
      ? (v as { id: string }).id
      : undefined;
  const za = zohoUser(current);
  const zb = zohoUser(next);
  if (za !== undefined && zb !== undefined) return za === zb;
  return sameValue(current, next);
}

function zohoPerson(raw: unknown): ZohoPerson | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as { id?: unknown; name?: unknown; email?: unknown };
  if (typeof o.id !== 'string') return undefined;
  return {
    id: o.id,
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
    ...(typeof o.email === 'string' ? { email: o.email } : {}),
  };
}

function jiraPerson(raw: unknown): JiraPerson | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as { accountId?: unknown; displayName?: unknown; emailAddress?: unknown };
  if (typeof o.accountId !== 'string') return undefined;
  return {
    accountId: o.accountId,
    ...(typeof o.displayName === 'string' ? { displayName: o.displayName } : {}),
    ...(typeof o.emailAddress === 'string' ? { emailAddress: o.emailAddress } : {}),
  };
}
