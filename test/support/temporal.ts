// Per-test-file access to the suite's shared Temporal dev server. Clients and workers carry the product's
// data converter (payloads encrypted) with a key made for this test process.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { temporalDataConverter } from '../../lib/temporal/data-converter';
import { AesGcmPayloadCodec, generatePayloadKey } from '../../lib/temporal/payload-codec';

/**
 * TEMPORAL_PAYLOAD_KEY of this test process: for production entry points it spawns (workers as child processes).
 * TEST_PAYLOAD_KEY sets it (`npm run fixtures:record` records with its release's fixture key); else a new one.
 */
export const testPayloadKey = process.env.TEST_PAYLOAD_KEY ?? generatePayloadKey();
/** The payload codec of every test client and worker of this process. */
export const testPayloadCodec = new AesGcmPayloadCodec(testPayloadKey);
/** The data converter of every test client and worker of this process. */
export const testDataConverter: DataConverter = temporalDataConverter(testPayloadCodec);

export interface TestTemporal {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  /** For workers: the same data converter as `client`'s. */
  dataConverter: DataConverter;
  /** A task queue no other test file uses. */
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTestTemporal(prefix = 'test'): Promise<TestTemporal> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection, namespace: 'default', dataConverter: testDataConverter }),
    nativeConnection,
    dataConverter: testDataConverter,
    taskQueue: `${prefix}-${randomUUID()}`,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
