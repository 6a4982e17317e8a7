import { describe, expect, it } from 'vitest';
import { generateSecretsKey, SecretCipher, SecretCipherError } from './cipher';

describe('SecretCipher', () => {
  it('round-trips and never contains the plaintext', () => {
    const c = new SecretCipher(generateSecretsKey());
    const sealed = c.seal('1000.refresh-token-value', 'tenant-a:zoho.refresh');
    expect(sealed).not.toContain('refresh-token-value');
    expect(c.open(sealed, 'tenant-a:zoho.refresh')).toBe('1000.refresh-token-value');
  });

  it('refuses a value moved to another owner (context) or tampered with', () => {
    const c = new SecretCipher(generateSecretsKey());
    const sealed = c.seal('secret', 'tenant-a');
    expect(() => c.open(sealed, 'tenant-b')).toThrow(SecretCipherError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('XXXX').toString('base64url');
    expect(() => c.open(parts.join('.'), 'tenant-a')).toThrow(SecretCipherError);
  });

  it('rotates keys: old values open with the previous key and are flagged for re-sealing', () => {
    const oldKey = generateSecretsKey();
    const sealed = new SecretCipher(oldKey).seal('secret');
    const rotated = new SecretCipher(generateSecretsKey(), [oldKey]);
    expect(rotated.open(sealed)).toBe('secret');
    expect(rotated.needsReseal(sealed)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('secret'))).toBe(false);
    expect(() => new SecretCipher(generateSecretsKey()).open(sealed)).toThrow(/unknown key/);
  });

  it('rejects malformed keys with a message naming the setting', () => {
    expect(() => new SecretCipher('c2hvcnQ=')).toThrow(/SECRETS_KEY must be base64 of exactly 32 bytes/);
  });
});
