// The embedded store: one SQLite file, WAL with synchronous=FULL so that a commit survives a power cut.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { mergeAlertWrite } from '../../../shared/bands.ts';
import { sameValue } from '../../../shared/sameValue.ts';
import { alertSubjectKey } from '../../../shared/alerts.ts';
import { FUTURE_TOLERANCE_MS, REPORT_KIND_FOR_SITE, Site, Thresholds, type Alert, type StoredReport, type World } from '../../../shared/schemas.ts';
import { WINDOW_24H_MS } from '../../../shared/siteLog.ts';
import { isoSeconds } from '../../../shared/time.ts';
import { afterCondition, keysetPages, orderBy, type SortKey } from '../keyset.ts';
import { alertFromBody, replayedReport, reportContent, sameContent, storedReport, tokenFromRow, type TokenRow } from '../rows.ts';
import {
  alertEventKind,
  AlertEventKind,
  AuditEntry,
  ReportConflictError,
  type AppendResult,
  type LogPosition,
  type ReportQuery,
  type SeedData,
  type Store,
  type TokenRecord,
} from '../store.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';

interface ReportRow {
  seq: number;
  observed_ms: number;
  content: string;
  received_at: string;
  exercise: number;
}

const rowToReport = (row: Pick<ReportRow, 'content' | 'received_at' | 'exercise'>) =>
  storedReport(row.content, row.received_at, Boolean(row.exercise));
const replayedRow = (row: Pick<ReportRow, 'content' | 'received_at' | 'exercise'>) =>
  replayedReport(row.content, row.received_at, Boolean(row.exercise));

const REPORTS_BY_OBSERVED: SortKey = { table: 'reports', columns: ['observed_ms', 'seq'] };
const QUERY_PAGE_SIZE = 1000;
const sqliteParam = (i: number) => `@k${i}`;

/** A reader's place in the log: the last seq given, and how many rewrites it has replayed. */
interface Position {
  seq: number;
  epoch: number;
}

export function openSqliteStore(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'amina.sqlite'));
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is synced on every commit, so a 201 is never answered for a report a power cut could take.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');

  const done = db.pragma('user_version', { simple: true }) as number;
  for (let i = done; i < SQLITE_MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }

  const statements = {
    reportById: db.prepare<[string], { content: string; exercise: number }>('SELECT content, exercise FROM reports WHERE id = ?'),
    insertReport: db.prepare(
      `INSERT INTO reports (id, site_id, kind, observed_ms, received_at, exercise, content)
       VALUES (@id, @siteId, @kind, @observedMs, @receivedAt, @exercise, @content)`,
    ),
    // three columns only: a start-up replay reads every row, and each column more costs (bench/README.md)
    allReports: db.prepare<[number], Pick<ReportRow, 'content' | 'received_at' | 'exercise'>>(
      'SELECT content, received_at, exercise FROM reports WHERE seq <= ? ORDER BY seq',
    ),
    reportsAfter: db.prepare<[number], ReportRow>(
      'SELECT seq, observed_ms, content, received_at, exercise FROM reports WHERE seq > ? ORDER BY seq',
    ),
    ping: db.prepare('SELECT 1'),
    lastSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM reports'),
    countReports: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM reports'),
    countSiteReports: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM reports WHERE site_id = ?'),
    latestOccupancy: db.prepare<[string, number, number], ReportRow>(
      `SELECT seq, observed_ms, content, received_at, exercise FROM reports
       WHERE site_id = ? AND kind = 'occupancy' AND exercise = ? AND observed_ms < ?
       ORDER BY observed_ms DESC, received_at DESC, id DESC LIMIT 1`,
    ),
    latestKnown: db.prepare<[string, string, number, number, string], ReportRow>(
      `SELECT seq, observed_ms, content, received_at, exercise FROM reports
       WHERE site_id = ? AND kind = ? AND exercise = ? AND observed_ms <= ? AND received_at <= ?
       ORDER BY observed_ms DESC, received_at DESC, id DESC LIMIT 1`,
    ),
    arrivalsKnown: db.prepare<[number, number, number, string], ReportRow>(
      `SELECT seq, observed_ms, content, received_at, exercise FROM reports
       WHERE kind = 'arrivals' AND exercise = ? AND observed_ms > ? AND observed_ms <= ? AND received_at <= ?
       ORDER BY observed_ms, seq`,
    ),
    deleteExercise: db.prepare('DELETE FROM reports WHERE exercise = 1'),
    listSites: db.prepare<[], { body: string }>('SELECT body FROM sites ORDER BY id'),
    putSite: db.prepare('INSERT INTO sites (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body'),
    insertSiteIfNew: db.prepare('INSERT INTO sites (id, body) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
    getThresholds: db.prepare<[], { body: string }>('SELECT body FROM thresholds WHERE id = 1'),
    putThresholds: db.prepare('INSERT INTO thresholds (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body'),
    insertThresholdsIfNew: db.prepare('INSERT INTO thresholds (id, body) VALUES (1, ?) ON CONFLICT (id) DO NOTHING'),
    getAlert: db.prepare<[string], { body: string; world: World }>('SELECT body, world FROM alerts WHERE id = ?'),
    openAlertBySubject: db.prepare<[string, string], { body: string }>(
      "SELECT body FROM alerts WHERE world = ? AND subject = ? AND state <> 'resolved'",
    ),
    insertAlert: db.prepare(
      'INSERT INTO alerts (id, world, subject, state, raised_at, body) VALUES (@id, @world, @subject, @state, @raisedAt, @body)',
    ),
    updateAlert: db.prepare('UPDATE alerts SET state = @state, body = @body WHERE id = @id'),
    insertAlertEvent: db.prepare('INSERT INTO alert_events (alert_id, world, at, kind, body) VALUES (@alertId, @world, @at, @kind, @body)'),
    insertToken: db.prepare(
      `INSERT INTO tokens (id, hash, role, sites, label, created_at, revoked_at, exercise, expires_at, last_used_at)
       VALUES (@id, @hash, @role, @sites, @label, @createdAt, @revokedAt, @exercise, @expiresAt, @lastUsedAt)`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    tokenExists: db.prepare<[string], { id: string }>('SELECT id FROM tokens WHERE id = ?'),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY rowid'),
    touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)'),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    countTokens: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tokens'),
    insertAudit: db.prepare('INSERT INTO audit (id, at, action, token_id, body) VALUES (@id, @at, @action, @tokenId, @body)'),
    listAudit: db.prepare<[number], { body: string }>('SELECT body FROM audit ORDER BY seq DESC LIMIT ?'),
  };

  const insertToken = (token: TokenRecord) =>
    statements.insertToken.run({
      ...token,
      sites: JSON.stringify(token.sites),
      revokedAt: token.revokedAt ?? null,
      exercise: token.exercise ? 1 : 0,
      expiresAt: token.expiresAt ?? null,
      lastUsedAt: token.lastUsedAt ?? null,
    });
  const insertTokens = db.transaction((tokens: readonly TokenRecord[]) => {
    for (const token of tokens) insertToken(token);
  });
  const putSites = db.transaction((sites: readonly Site[]) => {
    for (const site of sites) statements.putSite.run(site.id, JSON.stringify(site));
  });
  const revokeTokens = db.transaction((ids: readonly string[], at: string) => {
    const missing = ids.filter((id) => !statements.tokenExists.get(id));
    if (missing.length === 0) for (const id of ids) statements.revokeToken.run(at, id);
    return { missing };
  });

  const appendInTransaction = db.transaction((reports: readonly StoredReport[]): AppendResult => {
    const result: AppendResult = { accepted: [], duplicate: [] };
    const conflicts: string[] = [];
    const inBatch = new Map<string, { content: string; exercise: boolean }>();
    for (const report of reports) {
      const content = reportContent(report);
      const exercise = report.exercise === true;
      const row = statements.reportById.get(report.id);
      const earlier = inBatch.get(report.id) ?? (row && { content: row.content, exercise: row.exercise === 1 });
      if (earlier !== undefined) {
        // the same report, in the same world: a retry; anything else reuses an id
        if (earlier.exercise === exercise && sameContent(earlier.content, content)) result.duplicate.push(report.id);
        else conflicts.push(report.id);
        continue;
      }
      inBatch.set(report.id, { content, exercise });
      statements.insertReport.run({
        id: report.id,
        siteId: report.siteId,
        kind: report.kind,
        observedMs: Date.parse(report.observedAt),
        receivedAt: report.receivedAt,
        exercise: exercise ? 1 : 0,
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
   * durable. Each write keeps its own savepoint (better-sqlite3 nests a transaction as one): a write
   * that fails rolls back alone and the others commit.
   */
  let pendingWrites: { work: () => unknown; resolve: (value: never) => void; reject: (error: unknown) => void }[] = [];

  function flushWrites(): void {
    const writes = pendingWrites;
    pendingWrites = [];
    if (writes.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      db.transaction(() => {
        for (const write of writes) {
          try {
            outcomes.push({ ok: true, value: db.transaction(write.work)() });
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
    writes.forEach((write, i) => (outcomes[i]!.ok ? write.resolve(outcomes[i]!.value as never) : write.reject(outcomes[i]!.value)));
  }

  function durably<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (pendingWrites.length === 0) setImmediate(flushWrites);
      pendingWrites.push({ work, resolve: resolve as (value: never) => void, reject });
    });
  }

  /** One page of a report query, after the sort-key position of the previous page's last row. */
  function queryPage(query: ReportQuery, after: readonly unknown[] | null, limit: number): ReportRow[] {
    const where = ['reports.exercise = @exercise'];
    const params: Record<string, unknown> = { exercise: query.world === 'exercise' ? 1 : 0 };
    if (query.fromMs !== undefined) {
      where.push('reports.observed_ms >= @fromMs');
      params.fromMs = query.fromMs;
    }
    if (query.toMs !== undefined) {
      where.push('reports.observed_ms < @toMs');
      params.toMs = query.toMs;
    }
    if (query.siteIds) {
      where.push('reports.site_id IN (SELECT value FROM json_each(@siteIds))');
      params.siteIds = JSON.stringify(query.siteIds);
    }
    if (after) {
      const condition = afterCondition(REPORTS_BY_OBSERVED, after, sqliteParam, 0);
      where.push(condition.sql);
      condition.params.forEach((value, i) => (params[`k${i}`] = value));
    }
    const sql = `SELECT reports.seq, reports.observed_ms, reports.content, reports.received_at, reports.exercise FROM reports
      WHERE ${where.join(' AND ')} ${orderBy(REPORTS_BY_OBSERVED)} LIMIT ${limit}`;
    return db.prepare<[Record<string, unknown>], ReportRow>(sql).all(params);
  }

  /** Bumped when exercise reports are deleted: a reader that stood before it replays. */
  let epoch = 0;
  const toPosition = (position: Position): LogPosition => ({ opaque: position });
  function fromPosition(position: LogPosition): Position {
    const inner = position.opaque as Position;
    if (typeof inner?.seq !== 'number' || typeof inner.epoch !== 'number') throw new Error('not a SQLite log position');
    return inner;
  }

  return {
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

    async ping() {
      statements.ping.get();
    },

    reports: {
      append(reports) {
        return durably(() => appendInTransaction(reports));
      },

      async *query(query) {
        const pages = keysetPages(QUERY_PAGE_SIZE, (after, limit) => queryPage(query, after, limit), (row) => [row.observed_ms, row.seq]);
        for await (const row of pages) yield rowToReport(row);
      },

      async latestOccupancyBefore(world, siteIds, beforeMs) {
        const found: StoredReport[] = [];
        for (const id of siteIds) {
          const row = statements.latestOccupancy.get(id, world === 'exercise' ? 1 : 0, beforeMs);
          if (row) found.push(rowToReport(row));
        }
        return found;
      },

      async count(siteId) {
        return siteId === undefined ? statements.countReports.get()!.n : statements.countSiteReports.get(siteId)!.n;
      },

      async knownAt(world, sites, atMs) {
        const exercise = world === 'exercise' ? 1 : 0;
        // received by then: stamped at most FUTURE_TOLERANCE_MS after it, which bounds the index scan
        const receivedBy = isoSeconds(atMs);
        const newest = atMs + FUTURE_TOLERANCE_MS;
        const found = statements.arrivalsKnown.all(exercise, atMs - WINDOW_24H_MS, newest, receivedBy).map(rowToReport);
        for (const site of sites) {
          const row = statements.latestKnown.get(site.id, REPORT_KIND_FOR_SITE[site.kind], exercise, newest, receivedBy);
          if (row) found.push(rowToReport(row));
        }
        return found;
      },

      async deleteExercise() {
        const deleted = statements.deleteExercise.run().changes;
        if (deleted > 0) epoch += 1;
        return deleted;
      },
    },

    // One process owns the file and commits in order, so seq order is the order of visibility.
    log: {
      async replay(onReport) {
        // better-sqlite3 is synchronous: nothing is written between this read and the replay below
        const seq = statements.lastSeq.get()?.seq ?? 0;
        for (const row of statements.allReports.iterate(seq)) onReport(replayedRow(row));
        return toPosition({ seq, epoch });
      },
      async readAfter(position) {
        const from = fromPosition(position);
        if (from.epoch !== epoch) return { reports: [], position, rewritten: true };
        const rows = statements.reportsAfter.all(from.seq);
        const last = rows[rows.length - 1];
        return { reports: rows.map(rowToReport), position: last ? toPosition({ seq: last.seq, epoch }) : position, rewritten: false };
      },
    },

    sites: {
      async list() {
        return statements.listSites.all().map((r) => Site.parse(JSON.parse(r.body)));
      },
      async put(site) {
        statements.putSite.run(site.id, JSON.stringify(site));
      },
      async putMany(sites) {
        putSites(sites);
      },
    },

    thresholds: {
      async get() {
        const row = statements.getThresholds.get();
        if (!row) throw new Error('thresholds were never seeded');
        return Thresholds.parse(JSON.parse(row.body));
      },
      async put(thresholds) {
        statements.putThresholds.run(JSON.stringify(thresholds));
      },
    },

    alerts: {
      async list(world, states) {
        const rows = states?.length
          ? db
              .prepare<[string, string], { body: string }>(
                'SELECT body FROM alerts WHERE world = ? AND state IN (SELECT value FROM json_each(?)) ORDER BY raised_at DESC, id DESC',
              )
              .all(world, JSON.stringify(states))
          : db.prepare<[string], { body: string }>('SELECT body FROM alerts WHERE world = ? ORDER BY raised_at DESC, id DESC').all(world);
        return rows.map((r) => alertFromBody(r.body));
      },

      async get(id) {
        const row = statements.getAlert.get(id);
        return row ? { alert: alertFromBody(row.body), world: row.world } : undefined;
      },

      async insert(world, alert) {
        const subject = alertSubjectKey(alert);
        return db.transaction(() => {
          const open = statements.openAlertBySubject.get(world, subject);
          if (open) return alertFromBody(open.body);
          const body = JSON.stringify(alert);
          statements.insertAlert.run({ id: alert.id, world, subject, state: alert.state, raisedAt: alert.raisedAt, body });
          statements.insertAlertEvent.run({ alertId: alert.id, world, at: alert.updatedAt, kind: 'raised', body });
          return alert;
        })();
      },

      update(alert) {
        // Group-committed (above): the alerts a surge moves in one refresh share one fsync.
        return durably(() => {
          const row = statements.getAlert.get(alert.id);
          if (!row) return undefined;
          const stored = alertFromBody(row.body);
          const next: Alert = mergeAlertWrite(stored, alert);
          // a write the merge undid entirely (a resolved alert stays resolved) changes nothing
          if (sameValue(next, stored)) return next;
          const body = JSON.stringify(next);
          statements.updateAlert.run({ id: alert.id, state: next.state, body });
          statements.insertAlertEvent.run({ alertId: alert.id, world: row.world, at: next.updatedAt, kind: alertEventKind(stored, next), body });
          return next;
        });
      },

      async history(world, query = {}) {
        const where = ['world = @world'];
        const params: Record<string, unknown> = { world };
        if (query.alertIds !== undefined) {
          where.push('alert_id IN (SELECT value FROM json_each(@alertIds))');
          params.alertIds = JSON.stringify(query.alertIds);
        }
        if (query.toMs !== undefined) {
          // times are whole-second UTC strings, which sort as the instants they name
          where.push('at <= @to');
          params.to = isoSeconds(query.toMs);
        }
        const rows = db
          .prepare<[Record<string, unknown>], { kind: string; at: string; body: string }>(
            `SELECT kind, at, body FROM alert_events WHERE ${where.join(' AND ')} ORDER BY at, seq`,
          )
          .all(params);
        return rows.map((r) => ({ kind: AlertEventKind.parse(r.kind), at: r.at, world, alert: alertFromBody(r.body) }));
      },
    },

    tokens: {
      async create(token) {
        insertToken(token);
      },
      async createMany(tokens) {
        insertTokens(tokens);
      },
      async findByHash(hash) {
        const row = statements.tokenByHash.get(hash);
        return row ? tokenFromRow(row) : undefined;
      },
      async list() {
        return statements.listTokens.all().map(tokenFromRow);
      },
      async revoke(id, at) {
        return statements.revokeToken.run(at, id).changes > 0;
      },
      async revokeMany(ids, at) {
        return revokeTokens(ids, at);
      },
      async touch(id, at, staleBefore) {
        statements.touchToken.run(at, id, staleBefore);
      },
      async count() {
        return statements.countTokens.get()!.n;
      },
    },

    audit: {
      async append(entry) {
        // Committed with the other writes of this turn (group commit, above): one fsync for many requests.
        await durably(() =>
          statements.insertAudit.run({ id: entry.id, at: entry.at, action: entry.action, tokenId: entry.actor.tokenId, body: JSON.stringify(entry) }),
        );
      },
      async list(query) {
        return statements.listAudit.all(query.limit).map((r) => AuditEntry.parse(JSON.parse(r.body)));
      },
    },
  };
}
