// PGlite (PostgreSQL compiled to wasm, in this process) served over the PostgreSQL wire protocol on
// 127.0.0.1, so the very same `pg` + `@prisma/adapter-pg` code path serves both the embedded database
// and a real PostgreSQL server.
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
  const db = await PGlite.create({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
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
