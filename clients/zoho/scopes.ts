// OAuth scopes the connector asks for and the ones each client operation needs, so a missing scope can be
// named (F5) instead of surfacing as a bare OAUTH_SCOPE_MISMATCH. Source: reference/zoho-crm-api.md §1.8.

// The scope lists the admin page shows live in contracts/zoho.ts (one home, browser-safe).
export { ZOHO_APP_SCOPES, ZOHO_ATTACHMENT_SYNC_SCOPES, ZOHO_USER_SCOPES } from '../../contracts/zoho';

export type ScopeOperation = 'READ' | 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * Whether `granted` covers `required`. Zoho scopes are `Service.scope[.sub].OPERATION`; `ALL` covers every
 * operation and `WRITE` covers create/update/delete. Matching is case-insensitive on the operation only.
 */
export function scopeGranted(granted: readonly string[], required: string): boolean {
  const req = splitScope(required);
  return granted.some((g) => {
    const s = splitScope(g);
    if (s.base !== req.base) return false;
    if (s.op === req.op || s.op === 'ALL') return true;
    if (s.op === 'WRITE' && ['CREATE', 'UPDATE', 'DELETE', 'WRITE'].includes(req.op)) return true;
    return false;
  });
}

/** The first scope of each alternative group that is not granted; `[]` when everything is covered. */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((r) => !scopeGranted(granted, r));
}

function splitScope(scope: string): { base: string; op: string } {
  const i = scope.lastIndexOf('.');
  if (i < 0) return { base: scope.toLowerCase(), op: '' };
  return { base: scope.slice(0, i).toLowerCase(), op: scope.slice(i + 1).toUpperCase() };
}

/** Zoho returns scopes space-separated in token responses; the consent request takes them comma-separated. */
export function parseScopeList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
