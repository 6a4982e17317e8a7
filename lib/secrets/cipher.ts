// Secrets at rest (F31): AES-256-GCM with a random 96-bit nonce per value. The stored form names the key it
// was sealed with, so keys can be rotated: new values use the current key, old ones still open with the
// previous keys until they are re-sealed.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SecretCipherError extends Error {
  override name = 'SecretCipherError';
}

interface Key {
  id: string;
  bytes: Buffer;
}

function parseKey(base64: string, label: string): Key {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 32) throw new SecretCipherError(`${label} must be base64 of exactly 32 bytes (got ${bytes.length})`);
  // A short, stable id derived from the key itself: rotation needs no separate id setting.
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  return { id, bytes };
}

export class SecretCipher {
  private readonly current: Key;
  private readonly byId: Map<string, Key>;

  constructor(currentKeyBase64: string, previousKeysBase64: string[] = []) {
    this.current = parseKey(currentKeyBase64, 'SECRETS_KEY');
    this.byId = new Map([this.current, ...previousKeysBase64.map((k, i) => parseKey(k, `SECRETS_KEYS_PREVIOUS[${i}]`))].map((k) => [k.id, k]));
  }

  get keyId(): string {
    return this.current.id;
  }

  /** Ids of every key in the ring, current first. */
  get keyIds(): string[] {
    return [...this.byId.keys()];
  }

  /** `v1.<keyId>.<nonce>.<ciphertext>.<tag>`, all base64url. `context` binds the value to its owner (e.g. tenant + column). */
  seal(plaintext: string, context = ''): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, context = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretCipherError('not a sealed secret');
    const [, keyId, nonce, body, tag] = parts as [string, string, string, string, string];
    const key = this.byId.get(keyId);
    if (!key) throw new SecretCipherError(`sealed with an unknown key (${keyId}); is SECRETS_KEYS_PREVIOUS complete?`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretCipherError('sealed secret failed authentication (wrong key, context or tampered value)');
    }
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }
}

export function generateSecretsKey(): string {
  return randomBytes(32).toString('base64');
}
