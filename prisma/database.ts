// Opening the database, for every process: a PostgreSQL server when a URL is given (production,
// scale-out: any number of API and worker processes), else the embedded PGlite under dataDir
// (`npm start`: one process holds it, so API and worker run together there).
//
// Migrations: `npm start` calls migrateDatabase() itself. The production entry points (start:api,
// start:worker) do not migrate: a release applies migrations once with `npm run db:migrate:deploy`
// before new processes roll out, so a many-replica start-up does not turn into a migration race and
// old replicas never meet a schema they were not built for by surprise. (Running deploy concurrently
// is still safe: the engine serializes on a PostgreSQL advisory lock.)
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { openEmbeddedServer } from './embedded';
import {
  deployMigrations,
  migrationStatus,
  projectRoot,
  type MigrationPaths,
  type MigrationStatus,
} from './tools/migrate';
import { installWasmPanicRegistry } from './tools/wasm-engine';

export { PrismaClient };
export { EmbeddedDatabaseLockedError } from './embedded';
export type { MigrationStatus };

export interface DatabaseLogger {
  info(msg: string): void;
  error(msg: string): void;
}

export interface Database {
  prisma: PrismaClient;
  /** Connection URL (the embedded socket server's when embedded). Contains credentials: never log it. */
  url: string;
  embedded: boolean;
  /** Disconnects Prisma, and for the embedded database stops PGlite and releases its lock. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; absent → embedded PGlite in `${dataDir}/pglite`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  logger?: DatabaseLogger;
}

/** Where this repository keeps schema.prisma and the migrations (same as prisma.config.ts). */
export const migrationPaths: MigrationPaths = {
  schemaPath: join(projectRoot, 'prisma', 'schema.prisma'),
  migrationsDir: join(projectRoot, 'prisma', 'migrations'),
};

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  installWasmPanicRegistry();
  if (options.databaseUrl) {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.databaseUrl }) });
    await prisma.$connect();
    return {
      prisma,
      url: options.databaseUrl,
      embedded: false,
      close: () => prisma.$disconnect(),
    };
  }

  const server = await openEmbeddedServer({
    dataDir: options.dataDir,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    // Pool size 1: every connection shares PGlite's single backend, and concurrent extended-protocol
    // traffic on several connections fails now and then with `portal "" does not exist` (measured).
    // PGlite is single-threaded anyway, so a larger pool would buy nothing.
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: server.url, max: 1, idleTimeoutMillis: 0 }),
    });
    await prisma.$connect();
    options.logger?.info(`Embedded database (PGlite) open in ${server.dataDir}`);
    let closing: Promise<void> | undefined;
    return {
      prisma,
      url: server.url,
      embedded: true,
      close() {
        closing ??= (async () => {
          try {
            await prisma.$disconnect();
          } finally {
            await server.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** Applies pending migrations from prisma/migrations. Returns the names applied (empty when none). */
export async function migrateDatabase(
  target: string | Pick<Database, 'url'>,
  options: { logger?: DatabaseLogger; paths?: MigrationPaths } = {},
): Promise<string[]> {
  const url = typeof target === 'string' ? target : target.url;
  const { applied } = await deployMigrations(url, options.paths ?? migrationPaths);
  if (applied.length) options.logger?.info(`Applied database migrations: ${applied.join(', ')}`);
  return applied;
}

/** Migration state of a database, e.g. for a production process that refuses to start on an old schema. */
export function databaseMigrationStatus(
  target: string | Pick<Database, 'url'>,
  paths: MigrationPaths = migrationPaths,
): Promise<MigrationStatus> {
  return migrationStatus(typeof target === 'string' ? target : target.url, paths);
}
