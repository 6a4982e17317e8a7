// The driver adapter the wasm schema engine migrates through: the official @prisma/adapter-pg, with
// the few corrections the engine needs (measured, see /prisma/README.md):
// - one long-lived connection per database (pool max 1, no idle timeout) so the engine's advisory
//   lock is held by the connection that runs the migrations;
// - pg_catalog's "char" columns (OID 18), which the engine's describer reads, reach the engine as
//   Character values: adapter-pg 7.10 refuses to decode OID 18 at all, and reporting them as text
//   makes the describer panic on PostgreSQL 18 (PGlite), whose pg_constraint lists NOT NULL as 'n';
// - parameterless SQL (a whole migration.sql, which the engine sends through executeRaw or
//   executeScript) goes out as one simple-protocol query: adapter-pg's executeScript splits on every
//   `;`, which breaks $$ bodies and string literals, and the extended protocol takes one statement;
// - shadow databases come from a caller-supplied provider and are dropped only after their pool is
//   closed;
// - every connection is tracked and closed by disposeAll(), because the engine never disposes its
//   main connection.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlResultSet,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';

export interface ShadowDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Makes a fresh, empty database for the engine to replay migrations on. */
export type ShadowDatabaseProvider = () => Promise<ShadowDatabase>;

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
// Marks a "char" column between the pg result (where its OID is rewritten to text, which adapter-pg
// can read) and the result set handed to the engine (where it must be a Character: the describer reads
// pg_constraint.contype with get_char, and PostgreSQL 18 returns NOT NULL constraints there as 'n').
const CHAR_MARK = '\u0000char';

function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  result.columnNames.forEach((name, i) => {
    if (name.endsWith(CHAR_MARK)) {
      result.columnNames[i] = name.slice(0, -CHAR_MARK.length);
      result.columnTypes[i] = ColumnTypeEnum.Character;
    }
  });
  return result;
}

type PgQuery = (config: string | pg.QueryConfig) => Promise<pg.QueryResult | pg.QueryResult[]>;

export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(
    private readonly url: string,
    private readonly shadow: ShadowDatabaseProvider,
  ) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.adapterFor(this.url, async () => {});
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadow = await this.shadow();
    try {
      return await this.adapterFor(shadow.url, () => shadow.drop());
    } catch (error) {
      await shadow.drop();
      throw error;
    }
  }

  /** Closes every connection this factory handed out (the engine leaves its main one open). */
  async disposeAll(): Promise<void> {
    const adapters = [...this.open];
    this.open.clear();
    await Promise.allSettled(adapters.map((a) => a.dispose()));
  }

  private async adapterFor(url: string, afterClose: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0 });
    // An idle-connection error (server gone) must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const rawQuery = pool.query.bind(pool) as PgQuery;
    const patchedQuery: PgQuery = async (config) => {
      const result = await rawQuery(config);
      for (const r of Array.isArray(result) ? result : [result]) {
        for (const field of r.fields ?? []) {
          if (field.dataTypeID === PG_CHAR_OID) {
            field.dataTypeID = PG_TEXT_OID;
            field.name += CHAR_MARK;
          }
        }
      }
      return result;
    };
    (pool as unknown as { query: PgQuery }).query = patchedQuery;

    const inner = await new PrismaPg(pool).connect();
    const simpleQuery = async (sql: string): Promise<number> => {
      try {
        const result = await rawQuery(sql);
        return (Array.isArray(result) ? result : [result]).reduce((n, r) => n + (r.rowCount ?? 0), 0);
      } catch (error) {
        throw toDriverAdapterError(error);
      }
    };

    let closed = false;
    const adapter: SqlDriverAdapter = {
      provider: inner.provider,
      adapterName: inner.adapterName,
      queryRaw: async (query: SqlQuery) => restoreCharColumns(await inner.queryRaw(query)),
      executeRaw: (query: SqlQuery) => (query.args.length === 0 ? simpleQuery(query.sql) : inner.executeRaw(query)),
      executeScript: async (script: string) => {
        await simpleQuery(script);
      },
      startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
      getConnectionInfo: () => inner.getConnectionInfo(),
      dispose: async () => {
        if (closed) return;
        closed = true;
        this.open.delete(adapter);
        await inner.dispose();
        await pool.end();
        await afterClose();
      },
    };
    this.open.add(adapter);
    return adapter;
  }
}

/** pg's DatabaseError → the adapter error shape the engine understands (code, message, detail…). */
function toDriverAdapterError(error: unknown): unknown {
  if (error instanceof pg.DatabaseError) {
    return new DriverAdapterError({
      kind: 'postgres',
      code: error.code ?? 'N/A',
      severity: error.severity ?? 'ERROR',
      message: error.message,
      detail: error.detail,
      column: error.column,
      hint: error.hint,
    });
  }
  return error;
}
