// Zoho notification channel tokens are sealed per tenant and channel: the same binding for the worker that
// registers channels and the API that verifies callbacks.
import type { SecretCipher } from './secrets/cipher';
import { sealTo } from './secrets/columns';

export function channelTokenColumn(channelId: string): string {
  return `zohoChannel.${channelId}.token`;
}

export function sealChannelToken(cipher: SecretCipher, tenantId: string, channelId: string, token: string) {
  return sealTo(cipher, tenantId, channelTokenColumn(channelId), token);
}

/**
 * The Zoho modules a channel's events name ("Deals.all", "Deals.edit" → Deals). A notification is only
 * believed for these: the channel token proves which channel a callback belongs to, not what its body says.
 */
export function watchedModules(events: readonly string[]): Set<string> {
  return new Set(events.map((e) => e.split('.')[0] ?? '').filter((m) => m.length > 0));
}
