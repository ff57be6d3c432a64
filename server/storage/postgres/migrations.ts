// The PostgreSQL schema, one migration per entry, run once each in order and recorded in schema_migrations.
import type pg from 'pg';

/**
 * Text that is sorted or compared byte-wise in SQLite uses the C collation here, so that both stores
 * order ties the same way.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE reports (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id text COLLATE "C" NOT NULL UNIQUE,
     site_id text COLLATE "C" NOT NULL,
     kind text NOT NULL,
     observed_ms bigint NOT NULL,
     received_at text COLLATE "C" NOT NULL,
     exercise boolean NOT NULL DEFAULT false,
     content text NOT NULL,
     -- the writing transaction: followers read by it, because seq values become visible out of order
     txid xid8 NOT NULL DEFAULT pg_current_xact_id()
   );
   CREATE INDEX reports_by_observed ON reports (observed_ms, seq);
   CREATE INDEX reports_by_site ON reports (site_id, kind, observed_ms);
   CREATE INDEX reports_by_txid ON reports (txid);
   CREATE TABLE sites (id text COLLATE "C" PRIMARY KEY, body text NOT NULL);
   CREATE TABLE thresholds (id integer PRIMARY KEY CHECK (id = 1), body text NOT NULL);
   CREATE TABLE alerts (
     id text COLLATE "C" PRIMARY KEY,
     subject text NOT NULL,
     state text NOT NULL,
     raised_at text COLLATE "C" NOT NULL,
     body text NOT NULL
   );
   CREATE UNIQUE INDEX alerts_one_open_per_subject ON alerts (subject) WHERE state <> 'resolved';
   CREATE INDEX alerts_open ON alerts (state) WHERE state <> 'resolved';
   CREATE TABLE tokens (
     id text PRIMARY KEY,
     hash text NOT NULL UNIQUE,
     role text NOT NULL,
     sites text NOT NULL,
     label text NOT NULL,
     created_at text NOT NULL,
     revoked_at text
   );`,
  `CREATE TABLE audit (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id text NOT NULL UNIQUE,
     at text NOT NULL,
     action text NOT NULL,
     token_id text NOT NULL,
     body text NOT NULL
   );`,
  // Drill tokens: their reports are exercise data. Clearing it deletes reports, the one rewrite of the
  // log: the epoch tells followers to replay rather than read on.
  `ALTER TABLE tokens ADD COLUMN exercise boolean NOT NULL DEFAULT false;
   CREATE TABLE log_epoch (id integer PRIMARY KEY CHECK (id = 1), epoch bigint NOT NULL);
   INSERT INTO log_epoch (id, epoch) VALUES (1, 0);`,
  // Alerts belong to a world: a drill's alerts never meet the real ones, and each world has its own
  // open alert per subject. Reports are read per world.
  `ALTER TABLE alerts ADD COLUMN world text NOT NULL DEFAULT 'real';
   DROP INDEX alerts_one_open_per_subject;
   CREATE UNIQUE INDEX alerts_one_open_per_subject ON alerts (world, subject) WHERE state <> 'resolved';
   CREATE INDEX reports_by_world_observed ON reports (exercise, observed_ms, seq);`,
  // Report ids are UUIDs, which are case-insensitive: store them in lower case, where that collides
  // with nothing, so that a retry spelt in capitals is found.
  `UPDATE reports
     SET content = replace(content, '"id":"' || id || '"', '"id":"' || lower(id) || '"'), id = lower(id)
     WHERE id <> lower(id) AND lower(id) NOT IN (SELECT id FROM reports);`,
  // Rate-limit counters shared by every instance. Unlogged: losing them in a crash only resets budgets.
  `CREATE UNLOGGED TABLE rate_limits (key text PRIMARY KEY, hits integer NOT NULL, reset_ms bigint NOT NULL);`,
  // Every change of every alert, in order: the CAP feed references a message's predecessor, and the
  // picture at a past moment needs each alert's state then.
  `CREATE TABLE alert_events (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     alert_id text COLLATE "C" NOT NULL,
     world text NOT NULL,
     at text COLLATE "C" NOT NULL,
     kind text NOT NULL,
     body text NOT NULL
   );
   CREATE INDEX alert_events_by_alert ON alert_events (alert_id, seq);
   CREATE INDEX alert_events_by_time ON alert_events (world, at, seq);
   INSERT INTO alert_events (alert_id, world, at, kind, body)
     SELECT id, world, raised_at, 'raised', body FROM alerts ORDER BY raised_at, id;`,
  // Phones that report by SMS: a keyed hash of the number, never the number; masked for screens.
  `CREATE TABLE phones (
     id text PRIMARY KEY,
     hash text NOT NULL UNIQUE,
     masked text NOT NULL,
     token_id text NOT NULL REFERENCES tokens (id),
     label text NOT NULL,
     created_at text COLLATE "C" NOT NULL
   );`,
  // Tokens may expire, and say when they were last used (to the minute: see TokenStore.touch).
  `ALTER TABLE tokens ADD COLUMN expires_at text;
   ALTER TABLE tokens ADD COLUMN last_used_at text;
   ALTER TABLE tokens ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;`,
];

/** Serialises migrations across instances that start together: any 64-bit constant of our own. */
const MIGRATION_LOCK_KEY = 7_316_540_112_901;

/** Runs the migrations not yet applied, inside the caller's transaction, one instance at a time. */
export async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(done.rows.map((r) => r.version));
  for (let i = 0; i < MIGRATIONS.length; i++) {
    if (applied.has(i + 1)) continue;
    await client.query(MIGRATIONS[i]!);
    await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
  }
}
