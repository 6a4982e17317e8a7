// Starts what every test file shares: one real Temporal dev server and one PostgreSQL server. Each test file
// then uses its own task queue, workflow ids and database, so files run side by side without interference.
import type { TestProject } from 'vitest/node';
import { provisionTemporalCli } from '../scripts/temporal/provision';
import { startDevServer } from '../scripts/temporal/dev-server';
import { startTestPostgres } from './support/postgres';
import { freePort } from './support/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cli = await provisionTemporalCli((line) => console.log(`[global-setup] ${line}`));
  const temporal = await startDevServer({ cli, port: await freePort(), startTimeoutMs: 120_000 });
  const postgres = await startTestPostgres();
  process.env.TEMPORAL_TEST_ADDRESS = temporal.address;
  process.env.TEST_POSTGRES_URL = postgres.url;
  project.provide('temporalAddress', temporal.address);
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await temporal.stop();
    await postgres.stop();
  };
}
