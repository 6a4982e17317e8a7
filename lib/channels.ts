// Zoho notification channel tokens are sealed per tenant and channel: the same binding for the worker that
// registers channels and the API that verifies callbacks.
import type { SecretCipher } from './secrets/cipher';
import { sealTo } from './tenant-clients';

export function channelTokenColumn(channelId: string): string {
  return `zohoChannel.${channelId}.token`;
}

export function sealChannelToken(cipher: SecretCipher, tenantId: string, channelId: string, token: string) {
  return sealTo(cipher, tenantId, channelTokenColumn(channelId), token);
}
