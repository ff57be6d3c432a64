// For tests: a PostgreSQL database of their own on the machine's server, dropped when they end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoredReport } from '../../shared/schemas.ts';
import { reportContent } from './rows.ts';

/** The machine's PostgreSQL (trust auth); tests create databases beside `test` and never touch it. */
export const TEST_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: string;
  url: string;
  /** runs SQL on the maintenance connection (database `test`): to terminate sessions, refuse connections */
  admin(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** empties the database: drops and recreates the public schema, so that the next store migrates anew */
  reset(): Promise<void>;
  /** lets connections in again after refuseConnections */
  allowConnections(): Promise<void>;
  /** ends every session on the database and refuses new ones: the database is "down" for its clients */
  refuseConnections(): Promise<void>;
  /** ends the sessions whose application_name is `applicationName` */
  terminate(applicationName: string): Promise<number>;
  /** how many sessions have that application_name now */
  sessions(applicationName: string): Promise<number>;
  /**
   * Inserts a report the way a store does, in a transaction left open: it holds a seq that becomes
   * visible only at `commit`, after reports that took later seqs. Then gives the ids in seq order.
   */
  insertUncommitted(report: StoredReport): Promise<{ commit(): Promise<string[]> }>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `amina_${randomBytes(6).toString('hex')}`;
  const maintenance = new pg.Pool({ connectionString: TEST_SERVER_URL, max: 2 });
  maintenance.on('error', () => undefined);
  await maintenance.query(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const admin = (sql: string, values: unknown[] = []) => maintenance.query(sql, values);
  const terminateAll = () =>
    admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);

  return {
    name,
    url: url.toString(),
    admin,
    async reset() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      } finally {
        await client.end();
      }
    },
    async allowConnections() {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    },
    async refuseConnections() {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await terminateAll();
    },
    async terminate(applicationName) {
      const ended = await admin(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [name, applicationName],
      );
      return ended.rowCount ?? 0;
    },
    async sessions(applicationName) {
      const found = await admin(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [name, applicationName],
      );
      return found.rows[0].n as number;
    },
    async insertUncommitted(report) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          'INSERT INTO reports (id, site_id, kind, observed_ms, received_at, content) VALUES ($1, $2, $3, $4, $5, $6)',
          [report.id, report.siteId, report.kind, Date.parse(report.observedAt), report.receivedAt, reportContent(report)],
        );
      } catch (err) {
        await client.end();
        throw err;
      }
      return {
        async commit() {
          try {
            await client.query('COMMIT');
            return (await client.query<{ id: string }>('SELECT id FROM reports ORDER BY seq')).rows.map((r) => r.id);
          } finally {
            await client.end();
          }
        },
      };
    },
    async drop() {
      try {
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await maintenance.end();
      }
    },
  };
}
