// Tenants this API process has just verified, so a burst of Forge calls from one site (event intake, P6)
// does not read and decrypt the same tenant row on every request. Only two things change a tenant row —
// the claims of a Forge call and the system token it carries (both handled in forge-auth.ts) — so an
// entry is used only while the new call brings exactly the same claims and token, and only for a few
// seconds. Any difference takes the full path (database read, write if needed), which refreshes the entry.
import type { Tenant } from '../../prisma/generated/client';

import { LRUCache } from 'lru-cache';

interface Entry {
  tenant: Tenant;
  /** The claims the row was checked against. */
  claimsKey: string;
  /** The system token known to be stored (or superseded by a later-expiring one) for this row. */
  systemToken: string | undefined;
}

export class RecentTenants {
  private readonly entries: LRUCache<string, Entry>;

  constructor(ttlMs = 10_000, maxEntries = 10_000, now: () => number = Date.now) {
    // ttlResolution 0: every read asks the clock (lru-cache otherwise caches "now" for a moment).
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs, ttlResolution: 0, perf: { now } });
  }

  /** The tenant when this installation was verified moments ago with the same claims and token. */
  get(installationId: string, claimsKey: string, systemToken: string | undefined): Tenant | undefined {
    const e = this.entries.get(installationId);
    if (!e) return undefined;
    if (e.claimsKey !== claimsKey || (systemToken !== undefined && systemToken !== e.systemToken)) return undefined;
    return e.tenant;
  }

  /** Drops an installation's entry (its app was uninstalled): its next call takes the full path. */
  forget(installationId: string): void {
    this.entries.delete(installationId);
  }

  remember(installationId: string, claimsKey: string, tenant: Tenant, systemToken: string | undefined): void {
    this.entries.set(installationId, { tenant, claimsKey, systemToken });
  }
}
