// Starts the API over already-opened dependencies (database, Temporal client, tenant clients). Shared by the
// production entry and the embedded `npm start`.
import { createAppDeps, type AppRuntime } from './deps';
import { buildServer } from './server';
import { ensureMaintenanceSchedule } from '../lib/maintenance/schedule';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startApi(rt: AppRuntime): Promise<RunningApi> {
  const fastify = await buildServer(createAppDeps(rt));
  await fastify.listen({ host: rt.config.HOST, port: rt.config.PORT });
  // The hourly retention job (F39) runs as a Temporal Schedule; creating it is idempotent.
  void ensureMaintenanceSchedule(rt.temporal, { taskQueue: rt.config.TEMPORAL_TASK_QUEUE }).catch((err: unknown) =>
    fastify.log.warn({ err }, 'retention schedule could not be created; it is tried again at the next start'),
  );
  return { url: `http://${rt.config.HOST}:${rt.config.PORT}`, close: () => fastify.close() };
}
