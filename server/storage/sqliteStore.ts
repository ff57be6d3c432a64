// The embedded store: one SQLite file, WAL with synchronous=FULL so that a commit survives a power cut.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Alert, Site, Thresholds, type StoredReport } from '../../shared/schemas.ts';
import {
  AuditEntry,
  ReportConflictError,
  alertSubjectKey,
  reportContent,
  storedReport,
  tokenFromRow,
  type TokenRow,
  type AppendResult,
  type ReportQuery,
  type SeedData,
  type Store,
} from './store.ts';

/** Each entry runs once, in order; PRAGMA user_version records how many have run. */
const MIGRATIONS: string[] = [
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
  // Drill tokens (issue 7): the reports such a token posts are stored as exercise data.
  `ALTER TABLE tokens ADD COLUMN exercise INTEGER NOT NULL DEFAULT 0;`,
];

interface ReportRow {
  content: string;
  received_at: string;
  exercise: number;
}

function rowToReport(row: ReportRow): StoredReport {
  return storedReport(row.content, row.received_at, Boolean(row.exercise));
}


export function openSqliteStore(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'amina.sqlite'));
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is synced on every commit, so a 201 is never answered for a report a power cut could take.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');

  function migrate(): void {
    const done = db.pragma('user_version', { simple: true }) as number;
    for (let i = done; i < MIGRATIONS.length; i++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[i]);
        db.pragma(`user_version = ${i + 1}`);
      })();
    }
  }
  migrate();

  const statements = {
    reportById: db.prepare<[string], { content: string }>('SELECT content FROM reports WHERE id = ?'),
    insertReport: db.prepare(
      `INSERT INTO reports (id, site_id, kind, observed_ms, received_at, exercise, content)
       VALUES (@id, @siteId, @kind, @observedMs, @receivedAt, @exercise, @content)`,
    ),
    allReports: db.prepare<[], ReportRow>('SELECT content, received_at, exercise FROM reports ORDER BY seq'),
    countReports: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM reports'),
    countSiteReports: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM reports WHERE site_id = ?'),
    latestOccupancy: db.prepare<[string, number], ReportRow>(
      `SELECT content, received_at, exercise FROM reports
       WHERE site_id = ? AND kind = 'occupancy' AND observed_ms < ?
       ORDER BY observed_ms DESC, received_at DESC, id DESC LIMIT 1`,
    ),
    listSites: db.prepare<[], { body: string }>('SELECT body FROM sites ORDER BY id'),
    putSite: db.prepare('INSERT INTO sites (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body'),
    insertSiteIfNew: db.prepare('INSERT INTO sites (id, body) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
    getThresholds: db.prepare<[], { body: string }>('SELECT body FROM thresholds WHERE id = 1'),
    putThresholds: db.prepare(
      'INSERT INTO thresholds (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
    ),
    insertThresholdsIfNew: db.prepare('INSERT INTO thresholds (id, body) VALUES (1, ?) ON CONFLICT (id) DO NOTHING'),
    getAlert: db.prepare<[string], { body: string }>('SELECT body FROM alerts WHERE id = ?'),
    openAlertBySubject: db.prepare<[string], { body: string }>(
      "SELECT body FROM alerts WHERE subject = ? AND state <> 'resolved'",
    ),
    insertAlert: db.prepare(
      'INSERT INTO alerts (id, subject, state, raised_at, body) VALUES (@id, @subject, @state, @raisedAt, @body)',
    ),
    updateAlert: db.prepare('UPDATE alerts SET state = @state, body = @body WHERE id = @id'),
    insertToken: db.prepare(
      `INSERT INTO tokens (id, hash, role, sites, label, created_at, revoked_at, exercise)
       VALUES (@id, @hash, @role, @sites, @label, @createdAt, @revokedAt, @exercise)`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    countTokens: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tokens'),
    deleteExerciseReports: db.prepare('DELETE FROM reports WHERE exercise = 1'),
    insertAudit: db.prepare('INSERT INTO audit (id, at, action, token_id, body) VALUES (@id, @at, @action, @tokenId, @body)'),
    listAudit: db.prepare<[number], { body: string }>('SELECT body FROM audit ORDER BY seq DESC LIMIT ?'),
  };

  const appendInTransaction = db.transaction((reports: readonly StoredReport[]): AppendResult => {
    const result: AppendResult = { accepted: [], duplicate: [] };
    const conflicts: string[] = [];
    const inBatch = new Map<string, string>();
    for (const report of reports) {
      const content = reportContent(report);
      const earlier = inBatch.get(report.id) ?? statements.reportById.get(report.id)?.content;
      if (earlier !== undefined) {
        if (earlier === content) result.duplicate.push(report.id);
        else conflicts.push(report.id);
        continue;
      }
      inBatch.set(report.id, content);
      statements.insertReport.run({
        id: report.id,
        siteId: report.siteId,
        kind: report.kind,
        observedMs: Date.parse(report.observedAt),
        receivedAt: report.receivedAt,
        exercise: report.exercise ? 1 : 0,
        content,
      });
      result.accepted.push(report.id);
    }
    // Throwing inside the transaction rolls back every insert of the batch: all or nothing.
    if (conflicts.length > 0) throw new ReportConflictError(conflicts);
    return result;
  });

  /**
   * Group commit. With synchronous=FULL every commit waits for an fsync, and one commit per request
   * made the disk, not the server, the limit (bench/README.md). Writes queued while the event loop is
   * busy (concurrent requests) commit together in one transaction on the next turn, one fsync for all;
   * each write's promise settles only after that commit, so nothing is acknowledged before it is
   * durable. Each write keeps its own savepoint (appendInTransaction nests as one): a batch that
   * fails rolls back alone and the others commit.
   */
  let pendingWrites: { work: () => unknown; resolve: (value: any) => void; reject: (error: unknown) => void }[] = [];

  function flushWrites(): void {
    const writes = pendingWrites;
    pendingWrites = [];
    if (writes.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      db.transaction(() => {
        for (const write of writes) {
          try {
            outcomes.push({ ok: true, value: write.work() });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      })();
    } catch (error) {
      // The commit itself failed: nothing of the group is stored.
      for (const write of writes) write.reject(error);
      return;
    }
    writes.forEach((write, i) => (outcomes[i].ok ? write.resolve(outcomes[i].value) : write.reject(outcomes[i].value)));
  }

  function durably<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (pendingWrites.length === 0) setImmediate(flushWrites);
      pendingWrites.push({ work, resolve, reject });
    });
  }

  const QUERY_PAGE_SIZE = 1000;

  /**
   * One page of a report query, after the (observed_ms, seq) position of the previous page. Pages
   * keep an export of a year of reports out of memory, and never hold the connection between them
   * (better-sqlite3 allows no other statement while an iterator is open).
   */
  function queryReportsPage(query: ReportQuery, after: [number, number] | null) {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.fromMs !== undefined) {
      where.push('observed_ms >= ?');
      params.push(query.fromMs);
    }
    if (query.toMs !== undefined) {
      where.push('observed_ms < ?');
      params.push(query.toMs);
    }
    if (query.siteIds) {
      where.push('site_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(query.siteIds));
    }
    if (after) {
      // The leading `observed_ms >= ?` lets SQLite seek in the index; the OR alone made every page scan from the start.
      where.push('observed_ms >= ? AND (observed_ms > ? OR seq > ?)');
      params.push(after[0], after[0], after[1]);
    }
    const sql = `SELECT seq, observed_ms, content, received_at, exercise FROM reports
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY observed_ms, seq LIMIT ${QUERY_PAGE_SIZE}`;
    return db.prepare<(string | number)[], ReportRow & { seq: number; observed_ms: number }>(sql).all(...params);
  }

  const store: Store = {
    kind: 'sqlite',

    async init(seed: SeedData) {
      db.transaction(() => {
        for (const site of seed.sites) statements.insertSiteIfNew.run(site.id, JSON.stringify(site));
        statements.insertThresholdsIfNew.run(JSON.stringify(seed.thresholds));
      })();
    },

    async close() {
      flushWrites();
      db.close();
    },

    appendReports(reports) {
      return durably(() => appendInTransaction(reports));
    },

    async replayReports(onReport) {
      let n = 0;
      for (const row of statements.allReports.iterate()) {
        onReport(rowToReport(row));
        n++;
      }
      return n;
    },

    async *queryReports(query) {
      let after: [number, number] | null = null;
      for (;;) {
        const rows = queryReportsPage(query, after);
        for (const row of rows) yield rowToReport(row);
        if (rows.length < QUERY_PAGE_SIZE) return;
        const last = rows[rows.length - 1];
        after = [last.observed_ms, last.seq];
      }
    },

    async latestOccupancyBefore(siteIds, beforeMs) {
      const found: StoredReport[] = [];
      for (const id of siteIds) {
        const row = statements.latestOccupancy.get(id, beforeMs);
        if (row) found.push(rowToReport(row));
      }
      return found;
    },

    async deleteExerciseReports() {
      return statements.deleteExerciseReports.run().changes;
    },

    async countReports(siteId) {
      return siteId === undefined ? statements.countReports.get()!.n : statements.countSiteReports.get(siteId)!.n;
    },

    async listSites() {
      return statements.listSites.all().map((r) => Site.parse(JSON.parse(r.body)));
    },

    async putSite(site) {
      statements.putSite.run(site.id, JSON.stringify(site));
    },

    async getThresholds() {
      const row = statements.getThresholds.get();
      if (!row) throw new Error('thresholds were never seeded');
      return Thresholds.parse(JSON.parse(row.body));
    },

    async putThresholds(thresholds) {
      statements.putThresholds.run(JSON.stringify(thresholds));
    },

    async listAlerts(states) {
      const rows = states?.length
        ? db
            .prepare<[string], { body: string }>(
              'SELECT body FROM alerts WHERE state IN (SELECT value FROM json_each(?)) ORDER BY raised_at DESC, id DESC',
            )
            .all(JSON.stringify(states))
        : db.prepare<[], { body: string }>('SELECT body FROM alerts ORDER BY raised_at DESC, id DESC').all();
      return rows.map((r) => Alert.parse(JSON.parse(r.body)));
    },

    async getAlert(id) {
      const row = statements.getAlert.get(id);
      return row ? Alert.parse(JSON.parse(row.body)) : undefined;
    },

    async insertAlert(alert) {
      const subject = alertSubjectKey(alert);
      return db.transaction(() => {
        const open = statements.openAlertBySubject.get(subject);
        if (open) return Alert.parse(JSON.parse(open.body));
        statements.insertAlert.run({
          id: alert.id,
          subject,
          state: alert.state,
          raisedAt: alert.raisedAt,
          body: JSON.stringify(alert),
        });
        return alert;
      })();
    },

    async updateAlert(alert) {
      // Group-committed (above): the alerts a surge moves in one refresh share one fsync.
      await durably(() => statements.updateAlert.run({ id: alert.id, state: alert.state, body: JSON.stringify(alert) }));
    },

    async createToken(token) {
      statements.insertToken.run({
        ...token,
        sites: JSON.stringify(token.sites),
        revokedAt: token.revokedAt ?? null,
        exercise: token.exercise ? 1 : 0,
      });
    },

    async findTokenByHash(hash) {
      const row = statements.tokenByHash.get(hash);
      if (!row) return undefined;
      return tokenFromRow(row);
    },

    async revokeToken(id, at) {
      return statements.revokeToken.run(at, id).changes > 0;
    },

    async countTokens() {
      return statements.countTokens.get()!.n;
    },

    async appendAudit(entry) {
      // Committed with the other writes of this turn (group commit, above): one fsync for many requests.
      await durably(() =>
        statements.insertAudit.run({
          id: entry.id,
          at: entry.at,
          action: entry.action,
          tokenId: entry.actor.tokenId,
          body: JSON.stringify(entry),
        }),
      );
    },

    async listAudit(query) {
      return statements.listAudit.all(query.limit).map((r) => AuditEntry.parse(JSON.parse(r.body)));
    },
  };
  return store;
}
