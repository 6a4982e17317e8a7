// Key rotation completes: values sealed under a previous key are re-sealed under the current one, so the
// previous key can then be retired (removed from SECRETS_KEYS_PREVIOUS).
//   - On read, where the reader is already a writer (token stores, the Forge system token): resealStale().
//   - Everything else, by `npm run secrets:reseal` (scripts/secrets/reseal.ts): resealAll() walks every
//     sealed column in batches and countSealed() says how many values each key id still holds.
// Each value is re-sealed with the same context (tenant + column) it was sealed with (columns.ts), and
// written with a conditional update (where the column still holds the bytes that were read), so a value a
// concurrent refresh wrote meanwhile is never overwritten.
import type {
  PrismaClient,
  Tenant,
  ZohoConnection,
  ZohoNotificationChannel,
  ZohoSignIn,
  ZohoUserToken,
} from '../../prisma/generated/client';
import { channelTokenColumn } from '../channels';
import type { SecretCipher } from './cipher';
import { openFrom, sealTo, signInVerifierColumn, userTokenColumn } from './columns';

type Sealed = ReturnType<typeof sealTo>;
type Bytes = Uint8Array<ArrayBuffer>;

interface SealedField<R> {
  /** `<table>.<field>` as reported. */
  name: string;
  value(row: R): Bytes | null;
  tenantId(row: R): string;
  /** The column part of the seal context (secretContext(tenantId, column)). */
  column(row: R): string;
  /** Writes the re-sealed value where the column still holds `old`; the number of rows changed (0 or 1). */
  replace(prisma: PrismaClient, row: R, old: Bytes, next: Sealed): Promise<number>;
}

interface SealedTable<R extends { id: string }> {
  page(prisma: PrismaClient, after: string | undefined, take: number): Promise<R[]>;
  fields: SealedField<R>[];
}

interface Rows {
  Tenant: Tenant;
  ZohoConnection: ZohoConnection;
  ZohoUserToken: ZohoUserToken;
  ZohoNotificationChannel: ZohoNotificationChannel;
  ZohoSignIn: ZohoSignIn;
}
export type SealedTableName = keyof Rows;

const after = (id: string | undefined) => (id ? { id: { gt: id } } : {});
const asBytes = (b: Sealed['ciphertext']): Bytes => new Uint8Array(b);

/** Every sealed column of the schema (`*Ciphertext` + `*KeyId`), with the context its writer seals it with. */
export const SEALED_TABLES: { [K in SealedTableName]: SealedTable<Rows[K]> } = {
  Tenant: {
    page: (p, id, take) => p.tenant.findMany({ where: after(id), orderBy: { id: 'asc' }, take }),
    fields: [
      {
        name: 'Tenant.forgeSystemToken',
        value: (r) => r.forgeSystemTokenCiphertext,
        tenantId: (r) => r.id,
        column: () => 'forge.systemToken',
        replace: async (p, r, old, next) =>
          (
            await p.tenant.updateMany({
              where: { id: r.id, forgeSystemTokenCiphertext: { equals: old } },
              data: { forgeSystemTokenCiphertext: asBytes(next.ciphertext), forgeSystemTokenKeyId: next.keyId },
            })
          ).count,
      },
    ],
  },
  ZohoConnection: {
    page: (p, id, take) => p.zohoConnection.findMany({ where: after(id), orderBy: { id: 'asc' }, take }),
    fields: [
      {
        name: 'ZohoConnection.clientSecret',
        value: (r) => r.clientSecretCiphertext,
        tenantId: (r) => r.tenantId,
        column: () => 'zoho.clientSecret',
        replace: async (p, r, old, next) =>
          (
            await p.zohoConnection.updateMany({
              where: { id: r.id, clientSecretCiphertext: { equals: old } },
              data: { clientSecretCiphertext: asBytes(next.ciphertext), clientSecretKeyId: next.keyId },
            })
          ).count,
      },
      {
        name: 'ZohoConnection.refreshToken',
        value: (r) => r.refreshTokenCiphertext,
        tenantId: (r) => r.tenantId,
        column: () => 'zoho.refreshToken',
        replace: async (p, r, old, next) =>
          (
            await p.zohoConnection.updateMany({
              where: { id: r.id, refreshTokenCiphertext: { equals: old } },
              data: { refreshTokenCiphertext: asBytes(next.ciphertext), refreshTokenKeyId: next.keyId },
            })
          ).count,
      },
      {
        name: 'ZohoConnection.accessToken',
        value: (r) => r.accessTokenCiphertext,
        tenantId: (r) => r.tenantId,
        column: () => 'zoho.accessToken',
        replace: async (p, r, old, next) =>
          (
            await p.zohoConnection.updateMany({
              where: { id: r.id, accessTokenCiphertext: { equals: old } },
              data: { accessTokenCiphertext: asBytes(next.ciphertext), accessTokenKeyId: next.keyId },
            })
          ).count,
      },
    ],
  },
  ZohoUserToken: {
    page: (p, id, take) => p.zohoUserToken.findMany({ where: after(id), orderBy: { id: 'asc' }, take }),
    fields: [
      {
        name: 'ZohoUserToken.refreshToken',
        value: (r) => r.refreshTokenCiphertext,
        tenantId: (r) => r.tenantId,
        column: (r) => userTokenColumn.refresh(r.jiraAccountId),
        replace: async (p, r, old, next) =>
          (
            await p.zohoUserToken.updateMany({
              where: { id: r.id, refreshTokenCiphertext: { equals: old } },
              data: { refreshTokenCiphertext: asBytes(next.ciphertext), refreshTokenKeyId: next.keyId },
            })
          ).count,
      },
      {
        name: 'ZohoUserToken.accessToken',
        value: (r) => r.accessTokenCiphertext,
        tenantId: (r) => r.tenantId,
        column: (r) => userTokenColumn.access(r.jiraAccountId),
        replace: async (p, r, old, next) =>
          (
            await p.zohoUserToken.updateMany({
              where: { id: r.id, accessTokenCiphertext: { equals: old } },
              data: { accessTokenCiphertext: asBytes(next.ciphertext), accessTokenKeyId: next.keyId },
            })
          ).count,
      },
    ],
  },
  ZohoNotificationChannel: {
    page: (p, id, take) => p.zohoNotificationChannel.findMany({ where: after(id), orderBy: { id: 'asc' }, take }),
    fields: [
      {
        name: 'ZohoNotificationChannel.token',
        value: (r) => r.tokenCiphertext,
        tenantId: (r) => r.tenantId,
        column: (r) => channelTokenColumn(r.channelId),
        replace: async (p, r, old, next) =>
          (
            await p.zohoNotificationChannel.updateMany({
              where: { id: r.id, tokenCiphertext: { equals: old } },
              data: { tokenCiphertext: asBytes(next.ciphertext), tokenKeyId: next.keyId },
            })
          ).count,
      },
    ],
  },
  ZohoSignIn: {
    page: (p, id, take) => p.zohoSignIn.findMany({ where: after(id), orderBy: { id: 'asc' }, take }),
    fields: [
      {
        name: 'ZohoSignIn.codeVerifier',
        value: (r) => r.codeVerifierCiphertext,
        tenantId: (r) => r.tenantId,
        column: (r) => signInVerifierColumn(r.id),
        replace: async (p, r, old, next) =>
          (
            await p.zohoSignIn.updateMany({
              where: { id: r.id, codeVerifierCiphertext: { equals: old } },
              data: { codeVerifierCiphertext: asBytes(next.ciphertext), codeVerifierKeyId: next.keyId },
            })
          ).count,
      },
    ],
  },
};

/** The key id a stored value names (`v1.<keyId>.…`), or undefined when it is not a sealed value. */
export function sealedKeyId(value: Uint8Array): string | undefined {
  const parts = Buffer.from(value).toString('utf8').split('.');
  return parts.length === 5 && parts[0] === 'v1' ? parts[1] : undefined;
}

/** Re-seals one value under the current key when it names another; the rows changed (0 when a writer won). */
async function resealValue<R>(prisma: PrismaClient, cipher: SecretCipher, field: SealedField<R>, row: R): Promise<'current' | 'resealed' | 'raced'> {
  const old = field.value(row);
  if (!old || sealedKeyId(old) === cipher.keyId) return 'current';
  const tenantId = field.tenantId(row);
  const column = field.column(row);
  const plain = openFrom(cipher, tenantId, column, old)!; // throws when its key is not in the keyring
  const changed = await field.replace(prisma, row, old, sealTo(cipher, tenantId, column, plain));
  return changed === 1 ? 'resealed' : 'raced';
}

/**
 * On read: re-seals the row's values that are sealed under a previous key, each with a conditional update.
 * Never fails the read (a failure is left for `npm run secrets:reseal` to report); resolves when done.
 */
export async function resealStale<K extends SealedTableName>(prisma: PrismaClient, cipher: SecretCipher, table: K, row: Rows[K]): Promise<void> {
  const fields = SEALED_TABLES[table].fields;
  for (const field of fields) {
    try {
      await resealValue(prisma, cipher, field, row);
    } catch {
      // unreadable (key missing) or the write failed: the walk reports it
    }
  }
}

async function walk<K extends SealedTableName>(
  prisma: PrismaClient,
  table: K,
  batchSize: number,
  visit: (field: SealedField<Rows[K]>, row: Rows[K]) => Promise<void>,
): Promise<void> {
  const t = SEALED_TABLES[table] as unknown as SealedTable<Rows[K]>;
  let cursor: string | undefined;
  for (;;) {
    const rows = await t.page(prisma, cursor, batchSize);
    for (const row of rows) for (const field of t.fields) await visit(field, row);
    if (rows.length < batchSize) return;
    cursor = rows[rows.length - 1]!.id;
  }
}

const TABLES = Object.keys(SEALED_TABLES) as SealedTableName[];

/** How many stored values each key id holds, over every sealed column (`unsealed` for foreign values). */
export async function countSealed(prisma: PrismaClient, opts: { batchSize?: number } = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    await walk(prisma, table, opts.batchSize ?? 500, async (field, row) => {
      const v = field.value(row);
      if (!v) return;
      const id = sealedKeyId(v) ?? 'unsealed';
      counts[id] = (counts[id] ?? 0) + 1;
    });
  }
  return counts;
}

export interface ResealFailure {
  field: string;
  rowId: string;
  reason: string;
}

export interface ResealReport {
  currentKeyId: string;
  before: Record<string, number>;
  after: Record<string, number>;
  resealed: number;
  /** Values a concurrent writer replaced meanwhile (already under the current key). */
  raced: number;
  failed: ResealFailure[];
}

/** Walks every sealed column in batches and re-seals each value not under the current key. */
export async function resealAll(prisma: PrismaClient, cipher: SecretCipher, opts: { batchSize?: number } = {}): Promise<ResealReport> {
  const batchSize = opts.batchSize ?? 500;
  const before = await countSealed(prisma, { batchSize });
  let resealed = 0;
  let raced = 0;
  const failed: ResealFailure[] = [];
  for (const table of TABLES) {
    await walk(prisma, table, batchSize, async (field, row) => {
      try {
        const r = await resealValue(prisma, cipher, field, row);
        if (r === 'resealed') resealed += 1;
        else if (r === 'raced') raced += 1;
      } catch (err) {
        failed.push({ field: field.name, rowId: row.id, reason: err instanceof Error ? err.message : String(err) });
      }
    });
  }
  const afterCounts = await countSealed(prisma, { batchSize });
  return { currentKeyId: cipher.keyId, before, after: afterCounts, resealed, raced, failed };
}

/** The lines `npm run secrets:reseal` prints. */
export function formatResealReport(report: ResealReport, knownKeyIds: readonly string[]): string[] {
  const lines: string[] = [];
  const ids = [...new Set([report.currentKeyId, ...knownKeyIds, ...Object.keys(report.before), ...Object.keys(report.after)])];
  const describe = (counts: Record<string, number>, id: string) => {
    const n = counts[id] ?? 0;
    const what = id === report.currentKeyId ? ' (current)' : n === 0 ? ' (can be retired)' : '';
    return `  key ${id}: ${n} value${n === 1 ? '' : 's'}${what}`;
  };
  lines.push('Before:', ...ids.map((id) => describe(report.before, id)));
  lines.push(`Re-sealed ${report.resealed} value${report.resealed === 1 ? '' : 's'} under key ${report.currentKeyId}${report.raced ? ` (${report.raced} rewritten meanwhile by their owners)` : ''}.`);
  lines.push('After:', ...ids.map((id) => describe(report.after, id)));
  for (const f of report.failed) lines.push(`  could not re-seal ${f.field} of row ${f.rowId}: ${f.reason}`);
  return lines;
}
