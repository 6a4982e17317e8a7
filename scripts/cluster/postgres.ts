// The cluster's PostgreSQL: Debian's server binaries (`/usr/lib/postgresql/<version>/bin`) running a data
// directory of our own that persists between runs (initdb on first use). Durable settings (fsync on): this
// is the store a Temporal server and the product keep their state in, and the fault tests restart it.
// Listens on 127.0.0.1 only, with trust authentication for local connections: a stand-in for a managed
// PostgreSQL, which the same processes reach through DATABASE_URL and the Temporal server's config.
// Finding Debian's binaries and running them as the `postgres` user is also what the test suite's throwaway
// server (test/support/postgres.ts) uses: this module is their one home (scripts never import test/).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const PG_ROOT = '/usr/lib/postgresql';

/** bin/ of the newest PostgreSQL server installed the Debian way, or undefined. */
export function findPostgresBinaries(root = PG_ROOT): string | undefined {
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] !== undefined ? path.join(root, versions[0], 'bin') : undefined;
}

/** Debian's server binaries, or an error saying what to install; `orElse` names the caller's alternative. */
export function requirePostgresBinaries(orElse: string): string {
  const bin = findPostgresBinaries();
  if (!bin) {
    throw new Error(
      `PostgreSQL server binaries not found (looked for ${PG_ROOT}/<version>/bin/initdb and pg_ctl). ` +
        `Install them (Debian/Ubuntu: \`apt-get install postgresql\`), or ${orElse}.`,
    );
  }
  return bin;
}

/**
 * Runs PostgreSQL's binaries: as the `postgres` OS user when this process is root (initdb and postgres
 * refuse root; Debian's package provides that user), else as ourselves, who is then the superuser too.
 */
export function postgresRunner(): { asRoot: boolean; superuser: string; run(cmd: string, args: string[]): SpawnSyncReturns<string> } {
  const asRoot = process.getuid?.() === 0;
  return {
    asRoot,
    superuser: asRoot ? 'postgres' : userInfo().username,
    run: (cmd, args) =>
      asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' }),
  };
}

/** Hands a directory to the `postgres` OS user (we are root); `orElse` names the caller's alternative. */
export function chownToPostgres(dir: string, orElse: string): void {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`Running as root, but there is no \`postgres\` OS user to run PostgreSQL as (initdb refuses root). Install Debian's postgresql package, which creates it, or ${orElse}.`);
  }
  chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
}

export interface ClusterPostgresOptions {
  /** Directory that holds the data directory, the socket and the server log. */
  dir: string;
  port: number;
}

export interface ClusterPostgres {
  port: number;
  /** The OS and database superuser (`postgres` when we run as root, else the current user). */
  superuser: string;
  /** postgresql:// URL of a database, as a given role (trust authentication: no password). */
  url(database: string, role?: string): string;
  /** The server's log file (pg_ctl -l). */
  logFile: string;
  start(): void;
  /** `fast` finishes no transaction but shuts down cleanly; `immediate` is a crash as far as the data is concerned. */
  stop(mode?: 'fast' | 'immediate'): void;
  running(): boolean;
  /** Runs statements as the superuser on the maintenance database. */
  admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
}

export function clusterPostgres(opts: ClusterPostgresOptions): ClusterPostgres {
  const bin = requirePostgresBinaries(
    'run the processes against a PostgreSQL of your own as the README explains (DATABASE_URL and the Temporal server configuration)',
  );
  const { asRoot, superuser, run } = postgresRunner();

  const dataDir = path.join(opts.dir, 'data');
  const logFile = path.join(opts.dir, 'server.log');
  const pgCtl = path.join(bin, 'pg_ctl');

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(opts.dir, { recursive: true });
    if (asRoot) chownToPostgres(opts.dir, 'run as an ordinary user');
    const init = run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--no-locale']);
    if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.error?.message}):\n${init.stderr}${init.stdout}`);
  }

  const running = () => run(pgCtl, ['-D', dataDir, 'status']).status === 0;
  const url = (database: string, role = superuser) => `postgresql://${encodeURIComponent(role)}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`;

  return {
    port: opts.port,
    superuser,
    url,
    logFile,
    running,
    start() {
      if (running()) return;
      const options = [
        `-p ${opts.port}`,
        `-k ${opts.dir}`, // unix socket in our own directory, not /var/run/postgresql
        '-c listen_addresses=127.0.0.1',
        // Two Temporal stores (up to 22 connections per Temporal service), two workers and two APIs.
        '-c max_connections=300',
      ].join(' ');
      const start = run(pgCtl, ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
      if (start.status !== 0) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
        throw new Error(`PostgreSQL did not start on port ${opts.port} (pg_ctl exit ${start.status}):\n${start.stderr}\n${log}`);
      }
    },
    stop(mode = 'fast') {
      if (!running()) return;
      run(pgCtl, ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    async admin(fn) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    },
  };
}

/** Creates a login role and a database it owns, unless they exist. Identifiers are our own constants. */
export async function ensureRoleAndDatabase(server: ClusterPostgres, role: string, database: string, opts: { createdb?: boolean; createDatabase?: boolean } = {}): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role) || !/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`not a plain identifier: ${role} / ${database}`);
  await server.admin(async (c) => {
    const roles = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (roles.rowCount === 0) await c.query(`CREATE ROLE ${role} LOGIN${opts.createdb ? ' CREATEDB' : ''}`);
    if (opts.createDatabase === false) return;
    const dbs = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (dbs.rowCount === 0) await c.query(`CREATE DATABASE ${database} OWNER ${role}`);
  });
}
