// The SQLite schema, one migration per entry, run once each in order (PRAGMA user_version counts them).
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE reports (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     site_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     observed_ms INTEGER NOT NULL,
     received_at TEXT NOT NULL,
     exercise INTEGER NOT NULL DEFAULT 0,
     content TEXT NOT NULL
   );
   CREATE INDEX reports_by_observed ON reports (observed_ms);
   CREATE INDEX reports_by_site ON reports (site_id, kind, observed_ms);
   CREATE TABLE sites (id TEXT PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE thresholds (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
   CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     subject TEXT NOT NULL,
     state TEXT NOT NULL,
     raised_at TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE UNIQUE INDEX alerts_one_open_per_subject ON alerts (subject) WHERE state <> 'resolved';
   CREATE TABLE tokens (
     id TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL,
     sites TEXT NOT NULL,
     label TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );`,
  // The audit log: append-only, newest found by seq. The actor's token id is kept, never its hash.
  `CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     at TEXT NOT NULL,
     action TEXT NOT NULL,
     token_id TEXT NOT NULL,
     body TEXT NOT NULL
   );`,
  // Drill tokens: the reports such a token posts belong to the exercise world.
  `ALTER TABLE tokens ADD COLUMN exercise INTEGER NOT NULL DEFAULT 0;`,
  // Alerts belong to a world: a drill's alerts never meet the real ones, and each world has its own
  // open alert per subject.
  `ALTER TABLE alerts ADD COLUMN world TEXT NOT NULL DEFAULT 'real';
   DROP INDEX alerts_one_open_per_subject;
   CREATE UNIQUE INDEX alerts_one_open_per_subject ON alerts (world, subject) WHERE state <> 'resolved';`,
  // Report ids are UUIDs, which are case-insensitive: store them in lower case, where that collides
  // with nothing, so that a retry spelt in capitals is found.
  `UPDATE reports
     SET content = replace(content, '"id":"' || id || '"', '"id":"' || lower(id) || '"'), id = lower(id)
     WHERE id <> lower(id) AND lower(id) NOT IN (SELECT id FROM reports);`,
  // Every change of every alert, in order: the CAP feed references a message's predecessor, and the
  // picture at a past moment needs each alert's state then.
  `CREATE TABLE alert_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     alert_id TEXT NOT NULL,
     world TEXT NOT NULL,
     at TEXT NOT NULL,
     kind TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX alert_events_by_alert ON alert_events (alert_id, seq);
   CREATE INDEX alert_events_by_time ON alert_events (world, at, seq);
   INSERT INTO alert_events (alert_id, world, at, kind, body)
     SELECT id, world, raised_at, 'raised', body FROM alerts ORDER BY raised_at, id;`,
  // Phones that report by SMS: a keyed hash of the number, never the number; masked for screens.
  `CREATE TABLE phones (
     id TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     masked TEXT NOT NULL,
     token_id TEXT NOT NULL REFERENCES tokens (id),
     label TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // Tokens may expire, and say when they were last used (to the minute: see TokenStore.touch).
  `ALTER TABLE tokens ADD COLUMN expires_at TEXT;
   ALTER TABLE tokens ADD COLUMN last_used_at TEXT;`,
];
