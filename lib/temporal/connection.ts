// Connections to Temporal for the API (client) and the worker (native connection), from one config.
// A local dev server, a self-hosted cluster (mTLS) and Temporal Cloud (API key) differ only here. Every
// client carries the product's data converter (data-converter.ts), so what it sends is encrypted.
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

export type TemporalSettings = Pick<
  Config,
  'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH'
> & { address: string };

async function tlsOptions(s: TemporalSettings) {
  if (s.TEMPORAL_TLS_CERT_PATH && s.TEMPORAL_TLS_KEY_PATH) {
    return {
      clientCertPair: {
        crt: await readFile(s.TEMPORAL_TLS_CERT_PATH),
        key: await readFile(s.TEMPORAL_TLS_KEY_PATH),
      },
    };
  }
  // Temporal Cloud with an API key needs TLS without a client certificate.
  return s.TEMPORAL_TLS || s.TEMPORAL_API_KEY ? {} : undefined;
}

export async function connectTemporalClient(s: TemporalSettings, dataConverter: DataConverter): Promise<Client> {
  const tls = await tlsOptions(s);
  const connection = await Connection.connect({
    address: s.address,
    ...(tls ? { tls } : {}),
    ...(s.TEMPORAL_API_KEY ? { apiKey: s.TEMPORAL_API_KEY } : {}),
  });
  return new Client({ connection, namespace: s.TEMPORAL_NAMESPACE, dataConverter });
}

export async function connectTemporalWorker(s: TemporalSettings): Promise<NativeConnection> {
  const tls = await tlsOptions(s);
  return NativeConnection.connect({
    address: s.address,
    ...(tls ? { tls } : {}),
    ...(s.TEMPORAL_API_KEY ? { apiKey: s.TEMPORAL_API_KEY } : {}),
  });
}
