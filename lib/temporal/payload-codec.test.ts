import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { payloadCodecFromConfig } from './data-converter';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, generatePayloadKey, KEY_ID_METADATA } from './payload-codec';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const value = { accountId: '5b10ac8d82e05b22cc7d4ef5', issueKey: 'DEMO-42', token: '1000.secret-refresh-token' };

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload, and what it sends holds none of the plaintext', async () => {
    const codec = new AesGcmPayloadCodec(generatePayloadKey());
    const plain = defaultPayloadConverter.toPayload(value);
    const [sealed] = await codec.encode([plain]);
    expect(text(sealed!.metadata![METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe(codec.keyId);
    const wire = Buffer.from(sealed!.data!).toString('latin1');
    for (const secret of Object.values(value)) expect(wire).not.toContain(secret);
    expect(text(sealed!.data)).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(value);
    expect(text(opened!.metadata![METADATA_ENCODING_KEY])).toBe('json/plain');
  });

  it('seals the same payload differently every time (a fresh nonce each)', async () => {
    const codec = new AesGcmPayloadCodec(generatePayloadKey());
    const plain = defaultPayloadConverter.toPayload(value);
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes payloads that were never encrypted through decode unchanged (histories from before encryption)', async () => {
    const codec = new AesGcmPayloadCodec(generatePayloadKey());
    const plain = defaultPayloadConverter.toPayload(value);
    const [out] = await codec.decode([plain]);
    expect(out).toBe(plain);
  });

  it('refuses a payload sealed with a key it does not have, naming the key and the setting to add it to', async () => {
    const a = new AesGcmPayloadCodec(generatePayloadKey());
    const b = new AesGcmPayloadCodec(generatePayloadKey());
    const [sealed] = await a.encode([defaultPayloadConverter.toPayload(value)]);
    await expect(b.decode([sealed!])).rejects.toThrow(new RegExp(`key ${a.keyId}.*TEMPORAL_PAYLOAD_KEYS_PREVIOUS`));
  });

  it('refuses wrong key material under the right key id, and a tampered payload', async () => {
    const key = generatePayloadKey();
    const codec = new AesGcmPayloadCodec(key);
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    const tampered: Payload = { metadata: sealed!.metadata!, data: new Uint8Array(sealed!.data!) };
    tampered.data![20] = tampered.data![20]! ^ 0xff;
    await expect(codec.decode([tampered])).rejects.toThrow(/failed authentication/);
    const noKeyId: Payload = { metadata: { [METADATA_ENCODING_KEY]: sealed!.metadata![METADATA_ENCODING_KEY]! }, data: sealed!.data! };
    await expect(codec.decode([noKeyId])).rejects.toThrow(/names no key/);
  });

  it('after a rotation, seals with the new key and still opens what the previous key sealed', async () => {
    const oldKey = generatePayloadKey();
    const before = new AesGcmPayloadCodec(oldKey);
    const [old] = await before.encode([defaultPayloadConverter.toPayload(value)]);
    const after = new AesGcmPayloadCodec(generatePayloadKey(), [oldKey]);
    expect(after.keyId).not.toBe(before.keyId);
    expect(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!)).toEqual(value);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(value)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe(after.keyId);
    await expect(before.decode([fresh!])).rejects.toThrow(/TEMPORAL_PAYLOAD_KEYS_PREVIOUS/);
  });

  it('refuses a key that is not 32 bytes, naming the setting', () => {
    expect(() => new AesGcmPayloadCodec(Buffer.alloc(16).toString('base64'))).toThrow(/TEMPORAL_PAYLOAD_KEY must be base64 of exactly 32 bytes/);
    expect(() => new AesGcmPayloadCodec(generatePayloadKey(), ['short'])).toThrow(/TEMPORAL_PAYLOAD_KEYS_PREVIOUS\[0\]/);
  });
});

describe('payloadCodecFromConfig', () => {
  it('uses TEMPORAL_PAYLOAD_KEY and its previous keys', async () => {
    const oldKey = generatePayloadKey();
    const [old] = await new AesGcmPayloadCodec(oldKey).encode([defaultPayloadConverter.toPayload(value)]);
    const codec = await payloadCodecFromConfig(
      { TEMPORAL_PAYLOAD_KEY: generatePayloadKey(), TEMPORAL_PAYLOAD_KEYS_PREVIOUS: ` ${oldKey} ,`, DATA_DIR: '/nonexistent' },
      { allowLocalKey: false },
    );
    expect(defaultPayloadConverter.fromPayload((await codec.decode([old!]))[0]!)).toEqual(value);
  });

  it('refuses to start without a key outside the embedded setup, saying how to make one', async () => {
    await expect(payloadCodecFromConfig({ DATA_DIR: '/nonexistent' }, { allowLocalKey: false })).rejects.toThrow(/TEMPORAL_PAYLOAD_KEY is required.*openssl rand -base64 32/);
  });

  it('in the embedded setup, generates a key file once (mode 0600) and reads it on the next start', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'payload-key-'));
    try {
      const first = await payloadCodecFromConfig({ DATA_DIR: dir }, { allowLocalKey: true });
      const file = path.join(dir, 'payload.key');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toHaveLength(32);
      const second = await payloadCodecFromConfig({ DATA_DIR: dir }, { allowLocalKey: true });
      expect(second.keyId).toBe(first.keyId);
      const [sealed] = await first.encode([defaultPayloadConverter.toPayload(value)]);
      expect(defaultPayloadConverter.fromPayload((await second.decode([sealed!]))[0]!)).toEqual(value);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
