import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../prisma/generated/client';
import { RecentTenants } from './recent-tenants';

const tenant = (id: string) => ({ id }) as Tenant;

describe('RecentTenants', () => {
  it('answers only for the same claims and a token it knows, within its time to live', () => {
    let now = 1_700_000_000_000; // a real clock's value (lru-cache reads a start time of 0 as "no time to live")
    const r = new RecentTenants(10_000, 100, () => now);
    r.remember('inst-1', 'claims-a', tenant('t1'), 'token-1');
    expect(r.get('inst-1', 'claims-a', 'token-1')?.id).toBe('t1');
    expect(r.get('inst-1', 'claims-a', undefined)?.id).toBe('t1'); // a call without a token changes nothing
    expect(r.get('inst-1', 'claims-b', 'token-1')).toBeUndefined(); // new apiBaseUrl or site: full path
    expect(r.get('inst-1', 'claims-a', 'token-2')).toBeUndefined(); // new system token: full path
    expect(r.get('inst-2', 'claims-a', 'token-1')).toBeUndefined();
    now += 10_001;
    expect(r.get('inst-1', 'claims-a', 'token-1')).toBeUndefined();
  });

  it('forgets an installation at once (its app was uninstalled), leaving the others', () => {
    const r = new RecentTenants();
    r.remember('inst-1', 'claims', tenant('t1'), undefined);
    r.remember('inst-2', 'claims', tenant('t2'), undefined);
    r.forget('inst-1');
    expect(r.get('inst-1', 'claims', undefined)).toBeUndefined();
    expect(r.get('inst-2', 'claims', undefined)?.id).toBe('t2');
  });

  it('stays bounded, forgetting the oldest entry first', () => {
    const r = new RecentTenants(10_000, 2);
    r.remember('a', 'c', tenant('a'), undefined);
    r.remember('b', 'c', tenant('b'), undefined);
    r.remember('c', 'c', tenant('c'), undefined);
    expect(r.get('a', 'c', undefined)).toBeUndefined();
    expect(r.get('b', 'c', undefined)?.id).toBe('b');
    expect(r.get('c', 'c', undefined)?.id).toBe('c');
  });
});
