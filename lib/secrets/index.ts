// The process's secrets cipher: SECRETS_KEY in production; in embedded mode a key kept under DATA_DIR.
import type { Config } from '../config';
import { SecretCipher } from './cipher';
import { loadOrCreateLocalKey } from './key-file';

export async function cipherFromConfig(config: Pick<Config, 'SECRETS_KEY' | 'SECRETS_KEYS_PREVIOUS' | 'DATA_DIR'>, opts: { allowLocalKey: boolean }): Promise<SecretCipher> {
  const previous = (config.SECRETS_KEYS_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (config.SECRETS_KEY) return new SecretCipher(config.SECRETS_KEY, previous);
  if (!opts.allowLocalKey) throw new Error('SECRETS_KEY is required (base64 of 32 random bytes): secrets are encrypted at rest with it.');
  return new SecretCipher(await loadOrCreateLocalKey(config.DATA_DIR), previous);
}

export { SecretCipher, SecretCipherError, generateSecretsKey } from './cipher';
