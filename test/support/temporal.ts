// Per-test-file access to the suite's shared Temporal dev server.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';

export interface TestTemporal {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
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
    client: new Client({ connection, namespace: 'default' }),
    nativeConnection,
    taskQueue: `${prefix}-${randomUUID()}`,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
