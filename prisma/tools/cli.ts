// Database command line: `tsx prisma/tools/cli.ts <command>` (npm run db:*).
//   generate        prisma generate, offline (the native schema engine is replaced by a stub)
//   create <name>   new migration folder from schema.prisma changes (shadow: in-memory PGlite)
//   deploy          apply pending migrations to DATABASE_URL, or to the embedded PGlite in DATA_DIR
//   status          what deploy would do; exits 1 when the database is not up to date
//   check           exits 1 when schema.prisma has changes that no migration captures
//   resolve --applied|--rolled-back <migration>   record a failed migration's fate by hand
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { ConfigError, configSchema } from '../../lib/config';
import { openEmbeddedServer } from '../embedded';
import {
  createMigration,
  deployMigrations,
  migrationStatus,
  pendingSchemaChanges,
  projectRoot,
  resolveMigration,
  resolveMigrationPaths,
  type MigrationPaths,
} from './migrate';

const usage = `Usage: tsx prisma/tools/cli.ts <generate | create <name> | deploy | status | check
                                    | resolve --applied <migration> | resolve --rolled-back <migration>>
       [--schema <schema.prisma>] [--migrations <dir>]   (default: as prisma.config.ts says)

Environment: DATABASE_URL (PostgreSQL; absent → embedded PGlite under DATA_DIR, default .data),
             DEBUG_SCHEMA_ENGINE=1 to print the engine's own log.`;

const engineLog = process.env.DEBUG_SCHEMA_ENGINE ? { debug: (line: string) => console.error(line) } : undefined;

const schemaEngineStub = join(projectRoot, 'prisma', 'tools', 'schema-engine-stub.sh');

/** Environment for any `prisma` CLI call: stub engine, no update check or telemetry (both need the network). */
function offlinePrismaEnv(): NodeJS.ProcessEnv {
  try {
    accessSync(schemaEngineStub, constants.X_OK);
  } catch {
    chmodSync(schemaEngineStub, 0o755); // a checkout or archive that dropped the executable bit
  }
  return {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: schemaEngineStub,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
}

function generate(): number {
  const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const result = spawnSync(process.execPath, [prismaCli, 'generate'], {
    cwd: projectRoot,
    env: offlinePrismaEnv(),
    stdio: 'inherit',
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** DATABASE_URL and DATA_DIR, checked with the process configuration's own schema (empty = unset). */
function databaseSettings() {
  const env = Object.fromEntries(
    (['DATABASE_URL', 'DATA_DIR'] as const).flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  );
  const result = configSchema.pick({ DATABASE_URL: true, DATA_DIR: true }).safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => ({ setting: i.path.join('.'), problem: i.message })));
  }
  return result.data;
}

/** Runs `fn` against DATABASE_URL, or against the embedded PGlite (taking its lock) when unset. */
async function withTargetDatabase<T>(fn: (url: string, label: string) => Promise<T>): Promise<T> {
  // Only the two settings this command needs, parsed with the process configuration's own schema.
  const { DATABASE_URL, DATA_DIR } = databaseSettings();
  if (DATABASE_URL) return fn(DATABASE_URL, 'DATABASE_URL');
  const server = await openEmbeddedServer({ dataDir: resolve(DATA_DIR) });
  try {
    return await fn(server.url, `embedded PGlite in ${server.dataDir}`);
  } finally {
    await server.close();
  }
}

/** prisma.config.ts's paths, unless --schema / --migrations override them (tests work on copies). */
async function pathsFrom(flags: Map<string, string>): Promise<MigrationPaths> {
  const configured = await resolveMigrationPaths();
  return {
    schemaPath: resolve(flags.get('schema') ?? configured.schemaPath),
    migrationsDir: resolve(flags.get('migrations') ?? configured.migrationsDir),
  };
}

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const flag = /^--(schema|migrations|applied|rolled-back)(?:=(.*))?$/.exec(arg);
    if (!flag) {
      positional.push(arg);
      continue;
    }
    const value = flag[2] ?? argv[++i];
    if (!value) throw new Error(`--${flag[1]} needs a value`);
    flags.set(flag[1]!, value);
  }
  return { positional, flags };
}

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, ...rest] = positional;
  switch (command) {
    case 'generate':
      return generate();

    case 'create': {
      const name = rest[0];
      if (!name) {
        console.error('create needs a name, e.g. `npm run db:migrate:create -- add_sync_runs`');
        return 2;
      }
      const paths = await pathsFrom(flags);
      const created = await createMigration(paths, name, engineLog);
      if (!created) {
        console.log('schema.prisma and the migrations folder agree: nothing to create.');
        return 0;
      }
      console.log(`Created ${relative(projectRoot, join(paths.migrationsDir, created.folder))}/migration.sql`);
      console.log('Review it, then run `npm run db:migrate:deploy` (npm start applies it too).');
      return 0;
    }

    case 'deploy': {
      const paths = await pathsFrom(flags);
      return withTargetDatabase(async (url, label) => {
        const { applied } = await deployMigrations(url, paths, engineLog);
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s) to ${label}:\n${applied.map((m) => `  ${m}`).join('\n')}`
            : `No pending migrations for ${label}.`,
        );
        return 0;
      });
    }

    case 'status': {
      const paths = await pathsFrom(flags);
      return withTargetDatabase(async (url, label) => {
        const s = await migrationStatus(url, paths, engineLog);
        console.log(`Migration status of ${label}:`);
        if (!s.hasMigrationsTable) console.log('  no _prisma_migrations table yet (never migrated)');
        const report = (title: string, names: string[]) => {
          if (names.length) console.log(`  ${title}:\n${names.map((n) => `    ${n}`).join('\n')}`);
        };
        report('pending', s.pending);
        report('applied but missing from prisma/migrations', s.unknownToFolder);
        report('failed', s.failed);
        report('edited after being applied (checksum mismatch)', s.edited);
        if (s.upToDate) console.log('  up to date');
        return s.upToDate ? 0 : 1;
      });
    }

    case 'check': {
      const paths = await pathsFrom(flags);
      const sql = await pendingSchemaChanges(paths, engineLog);
      if (sql === null) {
        console.log('Migrations are in step with schema.prisma.');
        return 0;
      }
      console.error('schema.prisma has changes that no migration captures. The missing migration would be:\n');
      console.error(sql);
      console.error('Create it with `npm run db:migrate:create -- <name>`.');
      return 1;
    }

    case 'resolve': {
      const applied = flags.get('applied');
      const rolledBack = flags.get('rolled-back');
      const name = applied ?? rolledBack;
      if (!name || (applied && rolledBack)) {
        console.error('resolve needs exactly one of --applied <migration> or --rolled-back <migration>');
        return 2;
      }
      const paths = await pathsFrom(flags);
      return withTargetDatabase(async (url, label) => {
        await resolveMigration(url, paths, name, applied ? 'applied' : 'rolled-back', engineLog);
        console.log(`Marked ${name} as ${applied ? 'applied' : 'rolled back'} in ${label}.`);
        return 0;
      });
    }

    default:
      console.error(usage);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // The wasm engine can leave handles behind; every connection it used is closed by now.
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
