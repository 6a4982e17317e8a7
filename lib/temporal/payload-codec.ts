// Temporal payload encryption (F50): every payload a Client or Worker sends (workflow inputs and results,
// signal and update arguments, activity inputs and results, memos, encoded failure messages) is serialized
// as a Payload message and sealed with AES-256-GCM, so the Temporal server and anyone reading its history
// see only ciphertext. Keys rotate like the secrets key: each payload names the key it was sealed with in
// its metadata, new payloads use the current key, and previous keys keep decrypting older histories.
// Payloads that were never encrypted (histories from before encryption) pass through decode unchanged.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: Node's ESM loader (the compiled build) gives it as a default export only.
const { temporal } = proto;

/** The `encoding` metadata value of an encrypted payload (the value Temporal's samples use). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key a payload was sealed with. */
export const KEY_ID_METADATA = 'encryption-key-id';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Additional authenticated data: binds the ciphertext to this format. */
const AAD = Buffer.from('temporal-payload/v1');

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

interface Key {
  id: string;
  bytes: Buffer;
}

function parseKey(base64: string, label: string): Key {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 32) throw new PayloadKeyError(`${label} must be base64 of exactly 32 bytes (got ${bytes.length})`);
  // A short, stable id derived from the key itself (as for SECRETS_KEY): rotation needs no id setting.
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), bytes };
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly current: Key;
  private readonly byId: Map<string, Key>;

  /** `currentKeyBase64` seals new payloads; `previousKeysBase64` only open older ones. */
  constructor(currentKeyBase64: string, previousKeysBase64: readonly string[] = []) {
    this.current = parseKey(currentKeyBase64, 'TEMPORAL_PAYLOAD_KEY');
    this.byId = new Map(
      [this.current, ...previousKeysBase64.map((k, i) => parseKey(k, `TEMPORAL_PAYLOAD_KEYS_PREVIOUS[${i}]`))].map((k) => [k.id, k]),
    );
  }

  /** Id of the key new payloads are sealed with. */
  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.open(payload));
  }

  private seal(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) },
      data: new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()])),
    };
  }

  private open(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new ValueError('Encrypted payload names no key (metadata encryption-key-id is missing).');
    const key = this.byId.get(keyId);
    if (!key) {
      throw new ValueError(
        `Payload was encrypted with key ${keyId}, which this process does not have: add that key to TEMPORAL_PAYLOAD_KEYS_PREVIOUS (current key is ${this.current.id}).`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new ValueError('Encrypted payload is too short to be one of ours.');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, data.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(AAD);
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(`Encrypted payload failed authentication with key ${keyId} (wrong key material or a tampered payload).`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  }
}

export function generatePayloadKey(): string {
  return randomBytes(32).toString('base64');
}
