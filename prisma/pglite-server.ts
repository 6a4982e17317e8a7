// PGlite (PostgreSQL compiled to wasm, in this process) served over the PostgreSQL wire protocol on
// 127.0.0.1, so the very same `pg` + `@prisma/adapter-pg` code path serves both the embedded database
// and a real PostgreSQL server.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface PgliteServer {
  /** postgresql:// URL of the socket server (ephemeral port on 127.0.0.1). */
  readonly url: string;
  readonly db: PGlite;
  /** Stops the socket server, then closes PGlite (flushing a persisted data dir). */
  stop(): Promise<void>;
}

export interface PgliteServerOptions {
  /** Directory to persist to; omitted → in memory (gone on stop). */
  dataDir?: string;
  /**
   * Connections the socket server accepts. All of them share one single-threaded backend and their
   * extended-protocol messages interleave, so clients must use pool size 1 each; more than one
   * connection is only for short-lived side users (the migration engine, a health probe).
   */
  maxConnections?: number;
  /** Start from this dump (PGlite.dumpDataDir) instead of an empty cluster: much faster than initdb. */
  loadDataDir?: Blob;
}

export async function startPgliteServer(options: PgliteServerOptions = {}): Promise<PgliteServer> {
  // A new cluster (in memory, or a data directory never initialized) starts from the cached dump.
  const isNew = options.dataDir === undefined || !existsSync(join(options.dataDir, 'PG_VERSION'));
  const loadDataDir = options.loadDataDir ?? (isNew ? await emptyClusterDump() : undefined);
  const db = await PGlite.create({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(loadDataDir !== undefined ? { loadDataDir } : {}),
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections ?? 4,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  // getServerConn() reports the bound port once listening: "127.0.0.1:<port>".
  const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    db,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return stopped;
    },
  };
}

// Creating a PGlite runs initdb inside wasm: seconds on an idle machine, tens of seconds on a busy
// one. In-memory instances (shadow databases, tests) instead start from a dump of a freshly
// initialized cluster, made once per PGlite version and cached on disk, which is several times faster.
let emptyDump: Promise<Blob> | undefined;

function emptyClusterDump(): Promise<Blob> {
  emptyDump ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkg = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
    const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
    const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
    const cacheFile = join(projectRoot, 'node_modules', '.cache', 'pglite', `empty-cluster-${version}.tar`);
    if (existsSync(cacheFile)) return new Blob([await readFile(cacheFile)]);
    const db = await PGlite.create();
    const dump = await db.dumpDataDir('none');
    await db.close();
    // Write-then-rename so a concurrent reader never sees half a file. The cache is an optimization
    // only: a read-only node_modules just means every start pays for initdb.
    const tmp = `${cacheFile}.${randomUUID()}.tmp`;
    try {
      await mkdir(dirname(cacheFile), { recursive: true });
      await writeFile(tmp, new Uint8Array(await dump.arrayBuffer()));
      await rename(tmp, cacheFile);
    } catch {
      await rm(tmp, { force: true }).catch(() => {});
    }
    return dump;
  })();
  emptyDump.catch(() => (emptyDump = undefined));
  return emptyDump;
}
