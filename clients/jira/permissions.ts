// Who may do what: Jira's bulk permission check, asked with the app's own token about another user.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-permissions-check-post
import { z } from 'zod';
import type { JiraHttp } from './http';

/** Jira sends ids as JSON numbers; the connector keeps them as strings everywhere else. */
const idList = z.array(z.union([z.number().int(), z.string()]).transform(String));

export const bulkPermissionGrantsSchema = z.looseObject({
  globalPermissions: z.array(z.string()),
  projectPermissions: z.array(z.looseObject({ permission: z.string(), issues: idList.default([]), projects: idList.default([]) })),
});
export type BulkPermissionGrants = z.infer<typeof bulkPermissionGrantsSchema>;

export interface PermissionCheck {
  /** The user asked about; omitted means the caller itself. */
  accountId?: string;
  globalPermissions?: string[];
  projectPermissions?: { permissions: string[]; projects?: string[]; issues?: string[] }[];
  signal?: AbortSignal;
}

/** Jira's issue and project ids are int64; anything else would be refused with 400, so it is never sent. */
function numericIds(ids: string[] | undefined): number[] | undefined {
  if (!ids) return undefined;
  return ids.filter((id) => /^\d{1,18}$/.test(id)).map(Number);
}

/** POST /rest/api/3/permissions/check */
export async function checkPermissions(http: JiraHttp, check: PermissionCheck): Promise<BulkPermissionGrants> {
  return http.request({
    method: 'POST',
    path: '/rest/api/3/permissions/check',
    json: {
      ...(check.accountId ? { accountId: check.accountId } : {}),
      ...(check.globalPermissions ? { globalPermissions: check.globalPermissions } : {}),
      ...(check.projectPermissions
        ? {
            projectPermissions: check.projectPermissions.map((p) => ({
              permissions: p.permissions,
              ...(p.projects ? { projects: numericIds(p.projects) } : {}),
              ...(p.issues ? { issues: numericIds(p.issues) } : {}),
            })),
          }
        : {}),
    },
    schema: bulkPermissionGrantsSchema,
    ...(check.signal ? { signal: check.signal } : {}),
  });
}
