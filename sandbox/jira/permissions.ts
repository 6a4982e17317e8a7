// Jira's permission model, as far as the sandbox site needs it: site admins hold ADMINISTER and every
// project permission; other people hold the ordinary project permissions on the projects they may browse
// (all, unless the seed names some). Answers POST /rest/api/3/permissions/check the way Jira does:
// unknown permissions are a 400 naming them, invalid project and issue ids are ignored, at most 1000 of each.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-permissions-check-post
import { z } from 'zod';
import type { SimUser } from './seed';
import { JiraApiError, type JiraStore } from './store';

export const GLOBAL_PERMISSIONS = [
  'ADMINISTER',
  'SYSTEM_ADMIN',
  'USER_PICKER',
  'CREATE_SHARED_OBJECTS',
  'MANAGE_GROUP_FILTER_SUBSCRIPTIONS',
  'BULK_CHANGE',
] as const;
const ORDINARY_GLOBAL = new Set(['USER_PICKER', 'CREATE_SHARED_OBJECTS', 'MANAGE_GROUP_FILTER_SUBSCRIPTIONS', 'BULK_CHANGE']);

export const PROJECT_PERMISSIONS = [
  'ADMINISTER_PROJECTS',
  'BROWSE_PROJECTS',
  'VIEW_DEV_TOOLS',
  'VIEW_READONLY_WORKFLOW',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'TRANSITION_ISSUES',
  'SCHEDULE_ISSUES',
  'MOVE_ISSUES',
  'ASSIGN_ISSUES',
  'ASSIGNABLE_USER',
  'RESOLVE_ISSUES',
  'CLOSE_ISSUES',
  'MODIFY_REPORTER',
  'DELETE_ISSUES',
  'LINK_ISSUES',
  'SET_ISSUE_SECURITY',
  'VIEW_VOTERS_AND_WATCHERS',
  'MANAGE_WATCHERS',
  'ADD_COMMENTS',
  'EDIT_ALL_COMMENTS',
  'EDIT_OWN_COMMENTS',
  'DELETE_ALL_COMMENTS',
  'DELETE_OWN_COMMENTS',
  'CREATE_ATTACHMENTS',
  'DELETE_ALL_ATTACHMENTS',
  'DELETE_OWN_ATTACHMENTS',
  'WORK_ON_ISSUES',
  'EDIT_OWN_WORKLOGS',
  'EDIT_ALL_WORKLOGS',
  'DELETE_OWN_WORKLOGS',
  'DELETE_ALL_WORKLOGS',
] as const;
/** What only project admins hold. */
const ADMIN_ONLY_PROJECT = new Set(['ADMINISTER_PROJECTS', 'DELETE_ISSUES', 'DELETE_ALL_COMMENTS', 'DELETE_ALL_ATTACHMENTS', 'EDIT_ALL_COMMENTS', 'EDIT_ALL_WORKLOGS', 'DELETE_ALL_WORKLOGS', 'SET_ISSUE_SECURITY']);

const MAX_IDS = 1000;

const idList = z.array(z.union([z.number().int(), z.string()]).nullable()).optional();
const checkSchema = z.object({
  accountId: z.string().max(200).optional(),
  globalPermissions: z.array(z.string().nullable()).optional(),
  projectPermissions: z
    .array(z.object({ permissions: z.array(z.string()), projects: idList, issues: idList }).nullable())
    .optional(),
});

/** Whether the user holds a global permission. */
export function holdsGlobal(user: SimUser | undefined, permission: string): boolean {
  if (!user) return false;
  if (user.accountType === 'app') return false;
  return user.siteAdmin === true || ORDINARY_GLOBAL.has(permission);
}

/** Whether the user holds a project permission in the project (site admins hold them all). */
export function holdsInProject(user: SimUser | undefined, projectKey: string, permission: string): boolean {
  if (!user) return false;
  // The app's own account browses and edits every project its scopes cover.
  if (user.accountType === 'app') return !ADMIN_ONLY_PROJECT.has(permission);
  if (user.siteAdmin) return true;
  if (user.browseProjects && !user.browseProjects.includes(projectKey)) return false;
  if (user.viewOnlyProjects?.includes(projectKey)) return permission === 'BROWSE_PROJECTS';
  return !ADMIN_ONLY_PROJECT.has(permission);
}

const numericIds = (ids: (string | number | null)[] | undefined): string[] =>
  (ids ?? []).filter((v): v is string | number => v !== null).map(String).filter((v) => /^\d{1,18}$/.test(v));

/** POST /rest/api/3/permissions/check, asked by `actorId`. */
export function bulkPermissionCheck(store: JiraStore, actorId: string, body: unknown) {
  const parsed = checkSchema.safeParse(body ?? {});
  if (!parsed.success) throw new JiraApiError(400, ['The request body is not a valid permission check (accountId, globalPermissions, projectPermissions).']);
  const req = parsed.data;
  const actor = store.user(actorId);
  const subjectId = req.accountId ?? actorId;
  // Jira: checking someone else needs Administer Jira; the app's own account may check anyone.
  if (subjectId !== actorId && actor?.accountType !== 'app' && !holdsGlobal(actor, 'ADMINISTER')) {
    throw new JiraApiError(403, ['You must have the Administer Jira global permission to check the permissions of other users.']);
  }
  const errors: Record<string, string> = {};
  const globals = (req.globalPermissions ?? []).filter((p): p is string => p !== null);
  for (const p of globals) if (!(GLOBAL_PERMISSIONS as readonly string[]).includes(p)) errors[p] = 'Unrecognized permission';
  const entries = (req.projectPermissions ?? []).filter((e) => e !== null);
  for (const e of entries) {
    const perms = e.permissions.filter((p) => p !== '');
    if (perms.length === 0) throw new JiraApiError(400, ['At least one project permission is required.']);
    for (const p of perms) if (!(PROJECT_PERMISSIONS as readonly string[]).includes(p)) errors[p] = 'Unrecognized permission';
    if (numericIds(e.projects).length > MAX_IDS || numericIds(e.issues).length > MAX_IDS) {
      throw new JiraApiError(400, [`A maximum of ${MAX_IDS} projects and ${MAX_IDS} issues can be checked.`]);
    }
  }
  if (Object.keys(errors).length > 0) throw new JiraApiError(400, [], errors);

  const subject = store.user(subjectId);
  const granted = new Map<string, { projects: Set<string>; issues: Set<string> }>();
  for (const e of entries) {
    const projects = numericIds(e.projects).map((id) => store.projects.get(id)).filter((p) => p !== undefined);
    const issues = numericIds(e.issues).map((id) => store.issues.get(id)).filter((i) => i !== undefined);
    for (const permission of e.permissions.filter((p) => p !== '')) {
      const g = granted.get(permission) ?? { projects: new Set<string>(), issues: new Set<string>() };
      granted.set(permission, g);
      for (const p of projects) if (holdsInProject(subject, p.key, permission)) g.projects.add(p.id);
      for (const i of issues) {
        const project = store.projects.get(i.projectId);
        if (project && holdsInProject(subject, project.key, permission)) g.issues.add(i.id);
      }
    }
  }
  return {
    globalPermissions: [...new Set(globals)].filter((p) => holdsGlobal(subject, p)),
    projectPermissions: [...granted].map(([permission, g]) => ({
      permission,
      issues: [...g.issues].map(Number),
      projects: [...g.projects].map(Number),
    })),
  };
}

