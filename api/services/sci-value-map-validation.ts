// Validation of value maps and user maps (F41) against live metadata: a value map belongs on a picklist
// mapping to a Jira priority, select, multi-select or labels field, and every value it names must exist on
// its side (Zoho picklist values from field metadata; Jira priorities, the field's options; labels need no
// list but cannot hold spaces); a user map belongs on a user-to-user mapping, and the users it names must
// exist (Zoho's users list; Jira's user search by account id). Problems name the body path, as
// sci-validation.ts does. One loader reads only what the maps need.
import type { JiraClient, JiraField } from '../../clients/jira';
import type { ZohoClient, ZohoCrmUser, ZohoFieldMeta } from '../../clients/zoho';
import type { SciDefinition } from '../../lib/sci/definition';
import { jiraFieldType, jiraKind, zohoFieldType, zohoKind } from '../../lib/sync/field-types';
import type { Problem } from './api-errors';

export interface ValueMapMetadata {
  /** Values each mapped Jira field can take, by field id (labels: null, any label without spaces). */
  jiraValues: Map<string, string[] | null>;
  /** Jira account ids the maps name that Jira knows. */
  jiraAccounts: Set<string>;
  /** Active Zoho CRM users (loaded only when a user map names one). */
  zohoUsers: ZohoCrmUser[];
}

type Kind = ReturnType<typeof jiraKind>;
const VALUE_KINDS_ZOHO = new Set<Kind>(['option', 'options']);
const VALUE_KINDS_JIRA = new Set<Kind>(['option', 'options', 'labels']);
const labelOf = (f: ZohoFieldMeta) => f.display_label ?? f.field_label ?? f.api_name;
const quoted = (values: readonly string[]) =>
  values
    .slice(0, 12)
    .map((v) => `"${v}"`)
    .join(', ') + (values.length > 12 ? ', …' : '');

function isValueMappable(z: ZohoFieldMeta, j: JiraField): boolean {
  return VALUE_KINDS_ZOHO.has(zohoKind(zohoFieldType(z))) && VALUE_KINDS_JIRA.has(jiraKind(jiraFieldType(j)));
}
function isUserMappable(z: ZohoFieldMeta, j: JiraField): boolean {
  return zohoKind(zohoFieldType(z)) === 'user' && jiraKind(jiraFieldType(j)) === 'user';
}

/** Every problem with the value and user maps; fields that do not exist were reported by validateSci. */
export function validateValueMaps(
  def: SciDefinition,
  zohoFields: ZohoFieldMeta[] | null,
  jiraFields: JiraField[],
  meta: ValueMapMetadata,
): Problem[] {
  const problems: Problem[] = [];
  if (!zohoFields) return problems;
  const add = (path: string, message: string) => problems.push({ path, message });
  const zById = new Map(zohoFields.map((f) => [f.api_name, f]));
  const jById = new Map(jiraFields.map((f) => [f.id, f]));
  const zohoUserIds = new Set(meta.zohoUsers.map((u) => u.id));
  const twoWay = def.syncMode === 'TWO_WAY';

  def.fieldMappings.forEach((m, i) => {
    const base = `fieldMappings.${i}`;
    const z = zById.get(m.zohoField);
    const j = jById.get(m.jiraField);
    if (!z || !j) return;

    if (m.valueMap) {
      const path = `${base}.valueMap`;
      if (!isValueMappable(z, j)) {
        add(
          path,
          `Map values needs a Zoho CRM picklist and a Jira priority, select or labels field; ${labelOf(z)} → ${j.name} is not such a pair.`,
        );
      } else {
        const zohoValues = (z.pick_list_values ?? [])
          .map((p) => p.actual_value ?? p.display_value ?? '')
          .filter((v) => v && v !== '-None-');
        const jiraValues = meta.jiraValues.get(j.id);
        const checkZoho = (p: string, v: string) => {
          if (!zohoValues.includes(v))
            add(p, `"${v}" is not a value of the Zoho CRM picklist ${labelOf(z)} (its values: ${quoted(zohoValues)}).`);
        };
        const checkJira = (p: string, v: string) => {
          if (jiraValues === null || jiraValues === undefined) {
            if (/\s/.test(v)) add(p, `"${v}" cannot be a Jira label: labels cannot contain spaces.`);
          } else if (!jiraValues.includes(v))
            add(p, `"${v}" is not a value of the Jira field ${j.name} (its values: ${quoted(jiraValues)}).`);
        };
        const seen = new Set<string>();
        m.valueMap.entries.forEach((e, k) => {
          const p = `${path}.entries.${k}`;
          if (seen.has(e.zohoValue))
            add(`${p}.zohoValue`, `"${e.zohoValue}" is mapped twice; a Zoho CRM value can go to one Jira value only.`);
          seen.add(e.zohoValue);
          checkZoho(`${p}.zohoValue`, e.zohoValue);
          checkJira(`${p}.jiraValue`, e.jiraValue);
        });
        if (m.valueMap.defaultJiraValue !== null) checkJira(`${path}.defaultJiraValue`, m.valueMap.defaultJiraValue);
        if (m.valueMap.defaultZohoValue !== null) {
          if (!twoWay) add(`${path}.defaultZohoValue`, 'A default for values going to Zoho CRM needs 2 Way sync.');
          else checkZoho(`${path}.defaultZohoValue`, m.valueMap.defaultZohoValue);
        }
      }
    }

    if (m.userMap) {
      const path = `${base}.userMap`;
      if (!isUserMappable(z, j)) {
        add(
          path,
          `Map users needs a Zoho CRM user field (such as Owner) and a Jira user field (such as Assignee); ${labelOf(z)} → ${j.name} is not such a pair.`,
        );
        return;
      }
      const um = m.userMap;
      const zohoUser = (p: string, id: string) => {
        if (!zohoUserIds.has(id)) add(p, `Zoho CRM has no active user with id ${id}.`);
      };
      const jiraAccount = (p: string, id: string) => {
        if (!meta.jiraAccounts.has(id)) add(p, `Jira has no user with account id ${id}.`);
      };
      const seenJira = new Set<string>();
      um.overrides.forEach((o, k) => {
        const p = `${path}.overrides.${k}`;
        if (seenJira.has(o.jiraAccountId)) add(`${p}.jiraAccountId`, 'This Jira user is listed twice.');
        seenJira.add(o.jiraAccountId);
        jiraAccount(`${p}.jiraAccountId`, o.jiraAccountId);
        zohoUser(`${p}.zohoUserId`, o.zohoUserId);
      });
      if (um.fallback === 'DEFAULT_USER') {
        if (!um.defaultJiraAccountId)
          add(`${path}.defaultJiraAccountId`, 'Choose the Jira user to use when a Zoho CRM user has no match.');
        else jiraAccount(`${path}.defaultJiraAccountId`, um.defaultJiraAccountId);
        if (twoWay && !um.defaultZohoUserId)
          add(`${path}.defaultZohoUserId`, 'Choose the Zoho CRM user to use when a Jira user has no match.');
        else if (um.defaultZohoUserId) zohoUser(`${path}.defaultZohoUserId`, um.defaultZohoUserId);
      }
      if (um.fallback === 'NAME_AS_TEXT') {
        const jt = um.nameJiraField ? jById.get(um.nameJiraField) : undefined;
        if (!um.nameJiraField)
          add(`${path}.nameJiraField`, "Choose the Jira text field that receives an unmatched user's name.");
        else if (!jt) add(`${path}.nameJiraField`, `Jira has no field "${um.nameJiraField}".`);
        else if (jiraKind(jiraFieldType(jt)) !== 'text')
          add(`${path}.nameJiraField`, `${jt.name} is not a text field; the user's name needs one.`);
        if (twoWay) {
          const zt = um.nameZohoField ? zById.get(um.nameZohoField) : undefined;
          if (!um.nameZohoField)
            add(`${path}.nameZohoField`, "Choose the Zoho CRM text field that receives an unmatched user's name.");
          else if (!zt)
            add(`${path}.nameZohoField`, `The Zoho CRM module ${def.zohoModule} has no field "${um.nameZohoField}".`);
          else if (zohoKind(zohoFieldType(zt)) !== 'text' || zt.data_type === 'lookup')
            add(`${path}.nameZohoField`, `${labelOf(zt)} is not a text field; the user's name needs one.`);
        }
      }
    }
  });
  return problems;
}

/** Loads what validateValueMaps needs: nothing when no mapping has a map. */
export async function loadValueMapMetadata(
  def: SciDefinition,
  jiraFields: JiraField[],
  zoho: ZohoClient,
  jira: JiraClient,
): Promise<ValueMapMetadata> {
  const jById = new Map(jiraFields.map((f) => [f.id, f]));
  const jiraValues = new Map<string, string[] | null>();
  const accounts = new Set<string>();
  let needZohoUsers = false;
  const loads: Promise<void>[] = [];
  for (const m of def.fieldMappings) {
    const j = jById.get(m.jiraField);
    if (m.valueMap && j && !jiraValues.has(j.id)) {
      const kind = jiraKind(jiraFieldType(j));
      jiraValues.set(j.id, null);
      if (j.schema?.type === 'priority')
        loads.push(
          jira.metadata.listPriorities().then(
            (ps) =>
              void jiraValues.set(
                j.id,
                ps.map((p) => p.name),
              ),
          ),
        );
      else if (kind === 'option' || kind === 'options')
        loads.push(
          jira.metadata.listFieldOptions(j.id).then(
            (os) =>
              void jiraValues.set(
                j.id,
                os.map((o) => o.value),
              ),
          ),
        );
    }
    if (m.userMap) {
      needZohoUsers ||= m.userMap.overrides.length > 0 || m.userMap.defaultZohoUserId !== null;
      for (const id of [...m.userMap.overrides.map((o) => o.jiraAccountId), m.userMap.defaultJiraAccountId])
        if (id) accounts.add(id);
    }
  }
  const jiraAccounts = new Set<string>();
  loads.push(
    ...[...accounts].slice(0, 100).map(async (accountId) => {
      const found = await jira.metadata.findUserByAccountId(accountId);
      if (found) jiraAccounts.add(found.accountId);
    }),
  );
  const zohoUsers = needZohoUsers ? zoho.metadata.users() : Promise.resolve([]);
  const [users] = await Promise.all([zohoUsers, ...loads]);
  return { jiraValues, jiraAccounts, zohoUsers: users };
}
