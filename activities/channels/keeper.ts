// Near-real-time CRM → Jira (F33): per tenant, one Zoho notification (watch) channel per module that an
// automated SCI syncs. Channels are created when a module first needs one, renewed well before Zoho lets
// them lapse, recreated when Zoho lost them, and removed when no SCI needs the module any more. Polling
// stays as reconciliation for any callback that never arrives.
import { randomBytes, randomInt } from 'node:crypto';
import { channelTokenColumn, sealChannelToken } from '../../lib/channels';
import type { SecretCipher } from '../../lib/secrets/cipher';
import { openFrom, TenantNotReadyError, type TenantClients } from '../../lib/tenant-clients';
import type { PrismaClient } from '../../prisma/generated/client';

export interface ChannelKeeperDeps {
  prisma: PrismaClient;
  clients: TenantClients;
  cipher: SecretCipher;
}

export interface ReconcileChannelsInput {
  tenantId: string;
  /** Where Zoho posts changes: the API's notification callback route. */
  notifyUrl: string;
  /** Lifetime asked for each channel (Zoho's maximum is about a week). */
  ttlMs: number;
  /** Renew a channel once less than this remains. */
  renewBeforeMs: number;
}

export interface ReconcileChannelsResult {
  active: { module: string; channelId: string; expiresAt: string }[];
  created: number;
  renewed: number;
  removed: number;
  /** When the next renewal is due; null when the tenant needs no channel. */
  nextCheckAt: string | null;
  /** Why nothing could be done (e.g. not connected with App OAuth 2.0); channels are then left alone. */
  skipped?: string;
}

export class ChannelKeeper {
  constructor(private readonly deps: ChannelKeeperDeps) {}

  async reconcile(input: ReconcileChannelsInput): Promise<ReconcileChannelsResult> {
    const { prisma, cipher } = this.deps;
    const now = Date.now();
    const result: ReconcileChannelsResult = { active: [], created: 0, renewed: 0, removed: 0, nextCheckAt: null };
    const scis = await prisma.smartConnectedItem.findMany({
      where: { tenantId: input.tenantId, enabled: true, paused: false, syncMode: { not: 'DISPLAY' } },
      select: { zohoModule: true },
    });
    const needed = new Set(scis.map((s) => s.zohoModule));
    const rows = await prisma.zohoNotificationChannel.findMany({ where: { tenantId: input.tenantId, state: { not: 'DISABLED' } } });
    if (needed.size === 0 && rows.length === 0) return result;

    let zoho;
    try {
      zoho = await this.deps.clients.zoho(input.tenantId);
    } catch (err) {
      if (err instanceof TenantNotReadyError) return { ...result, skipped: err.message };
      throw err;
    }
    // What Zoho still knows about: a channel missing there (expired, deleted) is recreated.
    const live = new Map((await zoho.notifications.list()).map((c) => [String(c.channel_id), c]));

    for (const row of rows) {
      const module = row.events[0]?.split('.')[0] ?? '';
      if (!needed.has(module) || row.notifyUrl !== input.notifyUrl) {
        if (live.has(row.channelId)) await zoho.notifications.disable([row.channelId]);
        await prisma.zohoNotificationChannel.update({ where: { id: row.id }, data: { state: 'DISABLED' } });
        result.removed += 1;
        continue;
      }
      const token = openFrom(cipher, input.tenantId, channelTokenColumn(row.channelId), row.tokenCiphertext);
      const lapsed = !live.has(row.channelId) || row.expiresAt.getTime() <= now;
      const due = row.expiresAt.getTime() - now < input.renewBeforeMs;
      if ((lapsed || due) && token) {
        const expiresAt = new Date(now + input.ttlMs);
        const channel = { channelId: row.channelId, events: row.events, notifyUrl: input.notifyUrl, token, expiresAt };
        // Re-posting a channel id (re)creates it; PATCH renews a live one.
        const [outcome] = lapsed ? await zoho.notifications.enable([channel]) : await zoho.notifications.update([channel]);
        if (!outcome?.ok) throw outcome?.error ?? new Error('Zoho did not answer the channel renewal');
        await prisma.zohoNotificationChannel.update({ where: { id: row.id }, data: { expiresAt, lastRenewedAt: new Date(now), state: 'ACTIVE' } });
        result.renewed += 1;
        row.expiresAt = expiresAt;
      }
      needed.delete(module);
      result.active.push({ module, channelId: row.channelId, expiresAt: row.expiresAt.toISOString() });
    }

    for (const module of needed) {
      // Zoho types channel ids as longs; staying below 2^53 keeps them exact in JSON numbers.
      const channelId = String(randomInt(1_000_000_000_000, 2 ** 48));
      const token = randomBytes(24).toString('base64url'); // 32 characters: Zoho accepts at most 50
      const expiresAt = new Date(now + input.ttlMs);
      const events = [`${module}.all`];
      const [outcome] = await zoho.notifications.enable([{ channelId, events, notifyUrl: input.notifyUrl, token, expiresAt }]);
      if (!outcome?.ok) throw outcome?.error ?? new Error('Zoho did not answer the channel subscription');
      const sealed = sealChannelToken(cipher, input.tenantId, channelId, token);
      await prisma.zohoNotificationChannel.create({
        data: {
          tenantId: input.tenantId,
          channelId,
          events,
          notifyUrl: input.notifyUrl,
          tokenCiphertext: sealed.ciphertext,
          tokenKeyId: sealed.keyId,
          expiresAt,
          lastRenewedAt: new Date(now),
        },
      });
      result.created += 1;
      result.active.push({ module, channelId, expiresAt: expiresAt.toISOString() });
    }

    const earliest = Math.min(...result.active.map((a) => Date.parse(a.expiresAt)));
    result.nextCheckAt = Number.isFinite(earliest) ? new Date(earliest - input.renewBeforeMs).toISOString() : null;
    return result;
  }
}
