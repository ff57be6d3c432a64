// One instance's connection pool, with queries and transactions that say when the database is down.
import pg from 'pg';
import { isUnavailable, storeError } from './errors.ts';

export interface PostgresStoreOptions {
  /** connections in this instance's pool */
  poolSize?: number;
  /** shown in pg_stat_activity; the notification connection adds "-listen" */
  applicationName?: string;
  /** how long a request waits for a connection before it is answered 503 */
  connectTimeoutMs?: number;
  /** first wait before the notification connection is opened again after it was lost */
  listenReconnectMs?: number;
}

export interface Database {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `work` in one transaction on one connection; any failure rolls back everything. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>, mode?: string): Promise<T>;
  end(): Promise<void>;
}

export function openDatabase(databaseUrl: string, options: PostgresStoreOptions): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'amina',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  // An idle connection that the server drops is only removed: the next query opens a fresh one.
  pool.on('error', () => undefined);

  return {
    async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      try {
        return await pool.query<R>(text, values);
      } catch (err) {
        throw storeError(err);
      }
    },

    async transaction(work, mode = 'BEGIN') {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw storeError(err);
      }
      // A session that dies while checked out reports here too; the failing query rejects on its own.
      const onError = () => undefined;
      client.on('error', onError);
      let broken: unknown;
      try {
        await client.query(mode);
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (isUnavailable(err)) broken = err;
        else await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr));
        throw storeError(err);
      } finally {
        client.removeListener('error', onError);
        client.release(broken instanceof Error ? broken : undefined);
      }
    },

    end: () => pool.end(),
  };
}
