// Scope checks as Zoho Accounts applies them: `Service.scope.OPERATION`, where ALL grants every operation
// and WRITE grants CREATE/UPDATE/DELETE. A requirement is a list of groups; every group needs one
// granted alternative (e.g. a module scope AND the notes scope).
import { SimZohoError, zerr } from './errors';

export type Op = 'READ' | 'CREATE' | 'UPDATE' | 'DELETE';

function split(scope: string): { base: string; op: string } {
  const i = scope.lastIndexOf('.');
  return i < 0 ? { base: scope.toLowerCase(), op: '' } : { base: scope.slice(0, i).toLowerCase(), op: scope.slice(i + 1).toUpperCase() };
}

export function grants(granted: string, required: string): boolean {
  const g = split(granted);
  const r = split(required);
  if (g.base !== r.base) return false;
  return g.op === r.op || g.op === 'ALL' || (g.op === 'WRITE' && ['CREATE', 'UPDATE', 'DELETE'].includes(r.op));
}

export function satisfies(granted: readonly string[], groups: readonly (readonly string[])[]): boolean {
  return groups.every((alternatives) => alternatives.some((req) => granted.some((g) => grants(g, req))));
}

export function requireScopes(granted: readonly string[], groups: readonly (readonly string[])[]): void {
  if (!satisfies(granted, groups)) throw zerr.scopeMismatch();
}

/** Record operations on one module: ZohoCRM.modules.ALL / .{OP}, or the module-specific scope. */
export function moduleScope(module: string, op: Op): string[] {
  return [`ZohoCRM.modules.${op}`, `ZohoCRM.modules.${module.toLowerCase()}.${op}`];
}

export const settingsScope = (what: 'modules' | 'fields' | 'layouts' | 'related_lists'): string[] => [
  'ZohoCRM.settings.READ',
  `ZohoCRM.settings.${what}.READ`,
];

export function opForMethod(method: string): Op {
  switch (method.toUpperCase()) {
    case 'GET':
      return 'READ';
    case 'POST':
      return 'CREATE';
    case 'PUT':
    case 'PATCH':
      return 'UPDATE';
    case 'DELETE':
      return 'DELETE';
    default:
      throw zerr.invalidMethod();
  }
}

export { SimZohoError };
