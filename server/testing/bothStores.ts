// The two storage adapters, each opened fresh for a test, for the server tests that run once on SQLite
// and once on PostgreSQL; what a test started and the databases it made are gone after it.
import { afterEach } from 'vitest';
import { openPostgresStore } from '../storage/postgres/postgresStore.ts';
import { createTestDatabase, type TestDatabase } from '../storage/postgresTestDatabase.ts';
import { openSqliteStore } from '../storage/sqlite/sqliteStore.ts';
import type { Store } from '../storage/store.ts';
import { tempDataDir, type Running } from './harness.ts';

export interface BothStores {
  /** a fresh store of each kind, by name */
  STORES: Record<'sqlite' | 'postgres', () => Promise<Store>>;
  /** servers to stop after the test: push each one started */
  running: Running[];
}

/** Call at the top of a test file: it registers the clean-up after each test. */
export function bothStores(): BothStores {
  const running: Running[] = [];
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop();
    for (const db of databases.splice(0)) await db.drop();
  });
  return {
    running,
    STORES: {
      sqlite: async () => openSqliteStore(tempDataDir()),
      postgres: async () => {
        const db = await createTestDatabase();
        databases.push(db);
        return openPostgresStore(db.url, { poolSize: 3 });
      },
    },
  };
}
