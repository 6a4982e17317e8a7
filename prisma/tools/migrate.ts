// Migration operations over the wasm schema engine: create, check, deploy, status.
// create/check need no database of their own: the engine replays the migrations folder on a fresh
// in-memory PGlite (the shadow database) and diffs the result against schema.prisma.
// deploy/status work on the database at `url` (a real PostgreSQL, or the embedded PGlite's socket).
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFromFile } from '@prisma/config';
import type { HistoryDiagnostic } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { startPgliteServer } from '../pglite-server';
import { MigrationAdapterFactory, type ShadowDatabaseProvider } from './migration-adapter';
import { readMigrationsList, writeMigration } from './migrations-dir';
import { engineCall, withSchemaEngine, type EngineLogger } from './wasm-engine';

/** Repository root (prisma/tools/ → ../..). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

const noFilters = { externalTables: [], externalEnums: [] };

/** Where the schema and migrations live, read from prisma.config.ts exactly as the prisma CLI reads it. */
export async function resolveMigrationPaths(root = projectRoot): Promise<MigrationPaths> {
  const { config, error } = await loadConfigFromFile({ configRoot: root });
  if (error) throw new Error(`Cannot load prisma.config.ts: ${error._tag}`);
  const schemaPath = abs(root, config.schema ?? 'prisma/schema.prisma');
  const migrationsDir = abs(root, config.migrations?.path ?? join(dirname(schemaPath), 'migrations'));
  return { schemaPath, migrationsDir };
}

function abs(root: string, p: string): string {
  return isAbsolute(p) ? p : resolve(root, p);
}

/** Each call gets a brand-new in-memory PGlite: PGlite has one database, so CREATE DATABASE won't do. */
export const pgliteShadow: ShadowDatabaseProvider = async () => {
  const server = await startPgliteServer({ maxConnections: 2 });
  return { url: server.url, drop: () => server.stop() };
};

/**
 * Offline operations never write through the engine's main connection, so the scratch PGlite can
 * double as the first shadow database; starting a PGlite costs seconds, so this halves create/check.
 */
function reuseOnceThenFresh(scratchUrl: string): ShadowDatabaseProvider {
  let used = false;
  return async () => {
    if (used) return pgliteShadow();
    used = true;
    return { url: scratchUrl, drop: async () => {} };
  };
}

const noShadow: ShadowDatabaseProvider = () =>
  Promise.reject(new Error('This operation does not use a shadow database.'));

async function readSchema(paths: MigrationPaths) {
  return { path: paths.schemaPath, content: await readFile(paths.schemaPath, 'utf8') };
}

/** Runs `fn` with an engine whose main connection is `url` (or a throwaway PGlite when omitted). */
async function withEngine<T>(
  paths: MigrationPaths,
  target: { url: string; shadow: ShadowDatabaseProvider } | 'offline',
  fn: Parameters<typeof withSchemaEngine<T>>[2],
  logger?: EngineLogger,
): Promise<T> {
  const schema = await readSchema(paths);
  const scratch = target === 'offline' ? await startPgliteServer({ maxConnections: 2 }) : undefined;
  const factory =
    target === 'offline'
      ? new MigrationAdapterFactory(scratch!.url, reuseOnceThenFresh(scratch!.url))
      : new MigrationAdapterFactory(target.url, target.shadow);
  try {
    return await withSchemaEngine(factory, schema, fn, logger);
  } finally {
    await factory.disposeAll();
    await scratch?.stop();
  }
}

/**
 * SQL that takes a database migrated with the current folder to schema.prisma, or null when the
 * folder already matches the schema.
 */
export async function pendingSchemaChanges(paths: MigrationPaths, logger?: EngineLogger): Promise<string | null> {
  const migrationsList = await readMigrationsList(paths.migrationsDir);
  const schema = await readSchema(paths);
  return withEngine(
    paths,
    'offline',
    async (engine) => {
      const result = await engineCall('diff', () =>
        engine.diff({
          // The engine reads the connector from migration_lock.toml; a folder without migrations is "empty".
          from:
            migrationsList.migrationDirectories.length === 0
              ? { tag: 'empty' }
              : { tag: 'migrations', ...migrationsList },
          to: { tag: 'schemaDatamodel', files: [schema] },
          script: true,
          exitCode: true,
          filters: noFilters,
        }),
      );
      // exitCode 2 = the diff is not empty (same convention as `prisma migrate diff --exit-code`).
      return result.exitCode === 2 ? (result.stdout ?? '') : null;
    },
    logger,
  );
}

/** Writes a new migration folder from the schema changes; null when there is nothing to migrate. */
export async function createMigration(
  paths: MigrationPaths,
  name: string,
  logger?: EngineLogger,
): Promise<{ folder: string; sql: string } | null> {
  const sql = await pendingSchemaChanges(paths, logger);
  if (sql === null) return null;
  const folder = await writeMigration(paths.migrationsDir, name, sql);
  return { folder, sql };
}

/** Applies every migration not yet applied to the database at `url`. */
export async function deployMigrations(
  url: string,
  paths: MigrationPaths,
  logger?: EngineLogger,
): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrationsList(paths.migrationsDir);
  return withEngine(
    paths,
    { url, shadow: noShadow },
    async (engine) => {
      const out = await engineCall('applyMigrations', () =>
        engine.applyMigrations({ migrationsList, filters: noFilters }),
      );
      return { applied: out.appliedMigrationNames };
    },
    logger,
  );
}

/**
 * Records the outcome of a migration by hand after a failed deploy, as `prisma migrate resolve` does:
 * 'rolled-back' once the failed migration's effects are undone (deploy then retries it), 'applied'
 * once they were completed by hand (deploy then skips it).
 */
export async function resolveMigration(
  url: string,
  paths: MigrationPaths,
  migrationName: string,
  as: 'applied' | 'rolled-back',
  logger?: EngineLogger,
): Promise<void> {
  const migrationsList = await readMigrationsList(paths.migrationsDir);
  await withEngine(
    paths,
    { url, shadow: noShadow },
    async (engine) => {
      if (as === 'applied') {
        await engineCall('markMigrationApplied', () => engine.markMigrationApplied({ migrationName, migrationsList }));
      } else {
        await engineCall('markMigrationRolledBack', () => engine.markMigrationRolledBack({ migrationName }));
      }
    },
    logger,
  );
}

export interface MigrationStatus {
  /** Migrations in the folder that the database has not applied yet. */
  pending: string[];
  /** Migrations the database recorded but the folder lacks. */
  unknownToFolder: string[];
  failed: string[];
  /** Applied migrations whose migration.sql changed since (checksum mismatch). */
  edited: string[];
  hasMigrationsTable: boolean;
  upToDate: boolean;
}

export async function migrationStatus(
  url: string,
  paths: MigrationPaths,
  logger?: EngineLogger,
): Promise<MigrationStatus> {
  const migrationsList = await readMigrationsList(paths.migrationsDir);
  return withEngine(
    paths,
    { url, shadow: noShadow },
    async (engine) => {
      const out = await engineCall('diagnoseMigrationHistory', () =>
        engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: noFilters }),
      );
      const { pending, unknownToFolder } = describeHistory(out.history);
      return {
        pending,
        unknownToFolder,
        failed: out.failedMigrationNames,
        edited: out.editedMigrationNames,
        hasMigrationsTable: out.hasMigrationsTable,
        upToDate:
          pending.length === 0 &&
          unknownToFolder.length === 0 &&
          out.failedMigrationNames.length === 0 &&
          out.editedMigrationNames.length === 0,
      };
    },
    logger,
  );
}

function describeHistory(history: HistoryDiagnostic | null): { pending: string[]; unknownToFolder: string[] } {
  if (!history) return { pending: [], unknownToFolder: [] };
  switch (history.diagnostic) {
    case 'databaseIsBehind':
      return { pending: history.unappliedMigrationNames, unknownToFolder: [] };
    case 'migrationsDirectoryIsBehind':
      return { pending: [], unknownToFolder: history.unpersistedMigrationNames };
    case 'historiesDiverge':
      return { pending: history.unappliedMigrationNames, unknownToFolder: history.unpersistedMigrationNames };
  }
}
