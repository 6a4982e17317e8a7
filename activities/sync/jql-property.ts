// F45: keeps the linked issue's indexed CRM values (contracts/jql-fields.ts) equal to the record's. The
// caller reads the issue with the property anyway, so an unchanged value costs no call; an entity property
// moves no `updated` and raises no Jira event, so the write never comes back as a change to sync.
import type { JiraClient } from '../../clients/jira';
import { JQL_FIELDS_PROPERTY } from '../../contracts/jql-fields';
import { jqlDocument, mergeJqlDocument } from '../../lib/sync/jql-document';
import type { SciContext } from './context';

/** The `properties` option for the issue read that precedes `keepJqlProperty`. */
export function jqlPropertyRead(ctx: SciContext): { properties?: string[] } {
  return ctx.def.options.jqlFields.length ? { properties: [JQL_FIELDS_PROPERTY] } : {};
}

/** Writes the property when the record's chosen values differ from the issue's; true when it wrote. */
export async function keepJqlProperty(
  ctx: SciContext,
  jira: JiraClient,
  issue: { id: string; properties?: Record<string, unknown> | undefined },
  record: Record<string, unknown>,
): Promise<boolean> {
  const fields = ctx.def.options.jqlFields;
  if (!fields.length) return false;
  const next = mergeJqlDocument(issue.properties?.[JQL_FIELDS_PROPERTY], fields, jqlDocument(fields, record));
  if (!next) return false;
  await jira.issues.setProperty(issue.id, JQL_FIELDS_PROPERTY, next);
  return true;
}
