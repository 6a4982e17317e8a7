// Starts the API over already-opened dependencies (database, Temporal client, tenant clients). Shared by the
// production entry and the embedded `npm start`.
import { createAppDeps, type AppRuntime } from './deps';
import { buildServer } from './server';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startApi(rt: AppRuntime): Promise<RunningApi> {
  const fastify = await buildServer(createAppDeps(rt));
  await fastify.listen({ host: rt.config.HOST, port: rt.config.PORT });
  return { url: `http://${rt.config.HOST}:${rt.config.PORT}`, close: () => fastify.close() };
}
