// A real PostgreSQL server for the test suite: TEST_POSTGRES_URL when set (an existing server whose
// role may CREATE DATABASE), otherwise a private throwaway cluster made with Debian's server binaries
// in a temp directory, listening on a free 127.0.0.1 port. Tests never skip when PostgreSQL is missing:
// they fail with a message saying what to install.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chownToPostgres, postgresRunner, requirePostgresBinaries } from '../../scripts/cluster/postgres';
import { freePort } from './ports';

export interface TestPostgres {
  /** postgresql:// URL of a superuser (or CREATEDB) role on the maintenance database. */
  url: string;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.TEST_POSTGRES_URL;
  if (external) return { url: external, stop: async () => {} };

  // The database tests need a real PostgreSQL; they never skip without one.
  const orElse = 'set TEST_POSTGRES_URL to a server where the role may CREATE DATABASE';
  const bin = requirePostgresBinaries(orElse);
  const { asRoot, superuser: user, run } = postgresRunner();

  const dir = mkdtempSync(join(tmpdir(), 'test-postgres-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) chownToPostgres(dir, orElse);

  const init = run(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    user,
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ]);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.error?.message}):\n${init.stderr}${init.stdout}`);
  }

  const pgCtl = join(bin, 'pg_ctl');
  const stopSync = () => {
    run(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };

  // A port found free can be taken before the server binds it; try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`, // unix socket in our own directory, not /var/run/postgresql
      '-c listen_addresses=127.0.0.1',
      // A test server holds nothing worth keeping: trade durability for speed.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    const start = run(pgCtl, ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
    if (start.status === 0) {
      // Safety net: a test process that dies without calling stop() must not leave a server behind.
      const onExit = () => stopSync();
      process.once('exit', onExit);
      let stopped = false;
      return {
        url: `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/postgres`,
        async stop() {
          if (stopped) return;
          stopped = true;
          process.removeListener('exit', onExit);
          stopSync();
        },
      };
    }
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (attempt >= 3 || !/could not bind|address already in use/i.test(log)) {
      stopSync();
      throw new Error(`PostgreSQL did not start (pg_ctl exit ${start.status}):\n${start.stderr}\n${log.slice(-2000)}`);
    }
  }
}
