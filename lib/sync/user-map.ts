// Which user of the other side a user field's value stands for (F41): the mapping's override table first
// (Jira account ↔ Zoho CRM user id), then the same e-mail address, then the fallback (leave unchanged, a
// default user, or the name written into a text field). Never a silent clear: whatever is not matched
// comes back with a note naming the user, which the engine puts in the run history. The directory
// look-ups are injected, so this is tested without either vendor.
import type { UserMap } from '../../contracts/value-mapping';
import { userMapSchema } from '../../contracts/value-mapping';

export interface JiraPerson {
  accountId: string;
  displayName?: string | undefined;
  emailAddress?: string | undefined;
}

export interface ZohoPerson {
  id: string;
  name?: string | undefined;
  email?: string | undefined;
}

export type UserTarget =
  /** Write this user (a Jira account id or a Zoho CRM user id) into the mapped field. */
  | { kind: 'user'; id: string; note: string | null }
  /** Write `name` into another text field (`field`), leave the mapped one as it is. */
  | { kind: 'text'; field: string; name: string; note: string }
  /** Leave the mapped field as it is. */
  | { kind: 'leave'; note: string };

/** Used when a user mapping has no settings of its own: e-mail matching, then leave unchanged. */
export const DEFAULT_USER_MAP: UserMap = userMapSchema.parse({});

const sameEmail = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

function describe(name: string | undefined, email: string | undefined, id: string): string {
  if (name && email) return `${name} (${email})`;
  return name ?? email ?? id;
}

/** A Zoho CRM user (an Owner lookup's value) as a Jira account, for the Jira field `jiraField`. */
export async function jiraAccountFor(
  user: ZohoPerson,
  map: UserMap,
  jiraField: string,
  findByEmail: (email: string) => Promise<JiraPerson | undefined>,
): Promise<UserTarget> {
  const override = map.overrides.find((o) => o.zohoUserId === user.id);
  if (override) return { kind: 'user', id: override.jiraAccountId, note: null };
  if (user.email) {
    const match = await findByEmail(user.email);
    if (match) return { kind: 'user', id: match.accountId, note: null };
  }
  const who = `Zoho CRM user ${describe(user.name, user.email, user.id)} has no Jira account with the same e-mail address or an override`;
  if (map.fallback === 'DEFAULT_USER' && map.defaultJiraAccountId) {
    return { kind: 'user', id: map.defaultJiraAccountId, note: `${who}; ${jiraField} was set to the default user` };
  }
  if (map.fallback === 'NAME_AS_TEXT' && map.nameJiraField) {
    return {
      kind: 'text',
      field: map.nameJiraField,
      name: user.name ?? user.email ?? user.id,
      note: `${who}; the name was written to ${map.nameJiraField}, ${jiraField} left unchanged`,
    };
  }
  return { kind: 'leave', note: `${who}; ${jiraField} left unchanged` };
}

/** A Jira user (assignee, reporter, a user picker) as a Zoho CRM user, for the Zoho field `zohoField`. */
export async function zohoUserFor(
  user: JiraPerson,
  map: UserMap,
  zohoField: string,
  findByEmail: (email: string) => Promise<ZohoPerson | undefined>,
): Promise<UserTarget> {
  const override = map.overrides.find((o) => o.jiraAccountId === user.accountId);
  if (override) return { kind: 'user', id: override.zohoUserId, note: null };
  if (user.emailAddress) {
    const match = await findByEmail(user.emailAddress);
    if (match) return { kind: 'user', id: match.id, note: null };
  }
  const who = `Jira user ${describe(user.displayName, user.emailAddress, user.accountId)} has no Zoho CRM user with the same e-mail address or an override`;
  if (map.fallback === 'DEFAULT_USER' && map.defaultZohoUserId) {
    return { kind: 'user', id: map.defaultZohoUserId, note: `${who}; ${zohoField} was set to the default user` };
  }
  if (map.fallback === 'NAME_AS_TEXT' && map.nameZohoField) {
    return {
      kind: 'text',
      field: map.nameZohoField,
      name: user.displayName ?? user.emailAddress ?? user.accountId,
      note: `${who}; the name was written to ${map.nameZohoField}, ${zohoField} left unchanged`,
    };
  }
  return { kind: 'leave', note: `${who}; ${zohoField} left unchanged` };
}

/** The one person among `candidates` with this e-mail address. */
export function byEmail<T extends { email?: string | undefined; emailAddress?: string | undefined }>(
  candidates: readonly T[],
  email: string,
): T | undefined {
  return candidates.find((c) => sameEmail(c.email ?? c.emailAddress, email));
}
