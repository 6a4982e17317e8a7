// The one data converter of every Temporal Client and Worker of the product (API, worker, `npm start`,
// tests, benchmarks): payloads encrypted by the AES-256-GCM codec (payload-codec.ts), failure messages and
// stack traces encoded as payloads so they are encrypted as well (failure-converter.cjs). The key is not a
// tenant's: the namespace is shared by all tenants, and the codec endpoint decodes for engineers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { loadOrCreateLocalKey } from '../secrets/key-file';
import { AesGcmPayloadCodec } from './payload-codec';

/** The failure converter module, by path: the SDK requires it, and the workflow bundler bundles it. */
export const failureConverterPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'failure-converter.cjs');

/** File under DATA_DIR holding the generated payload key of the embedded setup. */
export const LOCAL_PAYLOAD_KEY_FILE = 'payload.key';

export function temporalDataConverter(codec: AesGcmPayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}

export type PayloadKeySettings = Pick<Config, 'TEMPORAL_PAYLOAD_KEY' | 'TEMPORAL_PAYLOAD_KEYS_PREVIOUS' | 'DATA_DIR'>;

/** TEMPORAL_PAYLOAD_KEY (+ previous keys); in embedded mode, a key generated once under DATA_DIR. */
export async function payloadCodecFromConfig(config: PayloadKeySettings, opts: { allowLocalKey: boolean }): Promise<AesGcmPayloadCodec> {
  const previous = (config.TEMPORAL_PAYLOAD_KEYS_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (config.TEMPORAL_PAYLOAD_KEY) return new AesGcmPayloadCodec(config.TEMPORAL_PAYLOAD_KEY, previous);
  if (!opts.allowLocalKey) {
    throw new Error(
      'TEMPORAL_PAYLOAD_KEY is required (base64 of 32 random bytes, e.g. `openssl rand -base64 32`): every Temporal payload is encrypted with it. Give the API and every worker the same key.',
    );
  }
  return new AesGcmPayloadCodec(await loadOrCreateLocalKey(config.DATA_DIR, LOCAL_PAYLOAD_KEY_FILE), previous);
}

export { AesGcmPayloadCodec } from './payload-codec';
