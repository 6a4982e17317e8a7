// The embedded database: PGlite persisted in `${dataDir}/pglite`, owned by exactly one process.
// PGlite keeps no lock of its own, and two processes writing one data directory lose committed rows
// (measured), so a lock file guards it; a second opener gets EmbeddedDatabaseLockedError instead.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { startPgliteServer } from './pglite-server';

/** A lock whose holder stopped refreshing it for this long is considered abandoned (crashed holder). */
const LOCK_STALE_MS = 30_000;

export class EmbeddedDatabaseLockedError extends Error {
  override name = 'EmbeddedDatabaseLockedError';
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
  ) {
    super(
      `The embedded database in ${dataDir} is already open in another process (lock ${lockPath}). ` +
        'Stop that process first, or set DATABASE_URL to use PostgreSQL, which many processes can share. ' +
        `A lock left behind by a crashed process expires ${LOCK_STALE_MS / 1000} s after the crash.`,
    );
  }
}

export interface EmbeddedServer {
  /** postgresql:// URL of this process's PGlite socket server on 127.0.0.1. */
  readonly url: string;
  /** Absolute PGlite data directory. */
  readonly dataDir: string;
  close(): Promise<void>;
}

export interface EmbeddedLogger {
  error(msg: string): void;
}

export async function openEmbeddedServer(options: {
  dataDir: string;
  logger?: EmbeddedLogger;
}): Promise<EmbeddedServer> {
  const pgDir = resolve(options.dataDir, 'pglite');
  const lockPath = join(resolve(options.dataDir), 'pglite.lock');
  await mkdir(pgDir, { recursive: true });

  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(pgDir, {
      lockfilePath: lockPath,
      stale: LOCK_STALE_MS,
      realpath: false,
      retries: 0,
      // Compromised = our lock was taken over or removed (e.g. the event loop stalled past `stale`).
      // Throwing from a timer would crash the process mid-write; report it loudly instead.
      onCompromised: (err) => {
        const message = `Lock on the embedded database ${pgDir} was compromised: ${err.message}`;
        if (options.logger) options.logger.error(message);
        else console.error(message);
      },
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ELOCKED') throw new EmbeddedDatabaseLockedError(pgDir, lockPath);
    throw error;
  }

  try {
    const server = await startPgliteServer({ dataDir: pgDir });
    let closing: Promise<void> | undefined;
    return {
      url: server.url,
      dataDir: pgDir,
      close() {
        closing ??= (async () => {
          try {
            await server.stop();
          } finally {
            await release().catch(() => {});
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
}
