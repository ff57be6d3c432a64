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
import { alertFromBody, PHONE_JOIN_SQL, phoneFromRow, replayedReport, reportContent, sameContent, storedReport, tokenFromRow, type PhoneJoinRow, type TokenRow } from '../rows.ts';
import {
  alertEventKind,
  AlertEventKind,
  AuditEntry,
  ReportConflictError,
  type AppendResult,
  type AuditFilter,
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
const AUDIT_NEWEST_FIRST: SortKey = { table: 'audit', columns: ['seq'], descending: true };
const sqliteParam = (i: number) => `@k${i}`;

/** A reader's place in the log: the last seq given, and how many rewrites it has replayed. */
interface Position {
  seq: number;
  epoch: number;
}

export function openSqliteStore(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'amina.sqlite'));
  const wal = db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  // Nothing is answered before its commit is on disk, as synchronous=FULL would ensure: in WAL mode
  // FULL differs from NORMAL only by syncing the WAL after each commit, and that sync is made here
  // instead (walSync below), off the event loop, so requests go on being read while the disk works.
  // NORMAL still syncs the WAL before each checkpoint and the database after it. Without WAL (a file
  // system that cannot share memory), SQLite syncs every commit itself.
  db.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
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
    // The (site, kind, observedAt) index gives the rows in order, so LIMIT stops the read.
    arrivalsWithin: db.prepare<[string, number, number, number, number], Pick<ReportRow, 'content' | 'received_at' | 'exercise'>>(
      `SELECT content, received_at, exercise FROM reports
       WHERE site_id = ? AND kind = 'arrivals' AND exercise = ? AND observed_ms >= ? AND observed_ms < ?
       ORDER BY observed_ms, seq LIMIT ?`,
    ),
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
    tokenById: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?'),
    tokenExists: db.prepare<[string], { id: string }>('SELECT id FROM tokens WHERE id = ?'),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY rowid'),
    touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)'),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    countTokens: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tokens'),
    insertPhone: db.prepare(
      'INSERT INTO phones (id, hash, masked, token_id, label, created_at) VALUES (@id, @hash, @masked, @tokenId, @label, @createdAt) ON CONFLICT (hash) DO NOTHING',
    ),
    phoneByHash: db.prepare<[string], PhoneJoinRow>(`${PHONE_JOIN_SQL} WHERE p.hash = ?`),
    listPhones: db.prepare<[], PhoneJoinRow>(`${PHONE_JOIN_SQL} ORDER BY p.created_at, p.id`),
    deletePhone: db.prepare('DELETE FROM phones WHERE id = ?'),
    insertAudit: db.prepare('INSERT INTO audit (id, at, action, token_id, body) VALUES (@id, @at, @action, @tokenId, @body)'),
    auditSeq: db.prepare<[string], { seq: number }>('SELECT seq FROM audit WHERE id = ?'),
  };

  const insertAudit = (entry: AuditEntry) =>
    statements.insertAudit.run({ id: entry.id, at: entry.at, action: entry.action, tokenId: entry.actor.tokenId, body: JSON.stringify(entry) });
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
   * Group commit. Every commit must reach the disk before it is acknowledged, and one fsync per
   * request made the disk, not the server, the limit (bench/README.md). Writes queued while the event
   * loop is busy (concurrent requests) commit together in one transaction on the next turn; each
   * write keeps its own savepoint (better-sqlite3 nests a transaction as one), so a write that fails
   * rolls back alone and the others commit. The commit then waits for the WAL's sync, which runs in
   * libuv's thread pool: while the disk works, the event loop reads and checks the next requests,
   * which form the next group. At most one sync runs at a time; the groups that commit meanwhile
   * share the next. Each write's promise settles only after a sync that began after its commit.
   */
  interface PendingWrite {
    work: () => unknown;
    resolve: (value: never) => void;
    reject: (error: unknown) => void;
  }
  /** A committed group waiting for its sync: how to settle its writes, and the first seq it may hold. */
  interface CommittedGroup {
    settle: () => void;
    fail: (error: unknown) => void;
    firstSeq: number;
  }
  let pendingWrites: PendingWrite[] = [];
  let awaitingSync: CommittedGroup[] = [];
  let syncing: CommittedGroup[] = [];
  let syncRunning = false;
  const idle: (() => void)[] = [];
  let walFd: number | undefined;

  function walDescriptor(): number {
    if (walFd === undefined) {
      // The WAL exists once the first commit wrote to it, and lives (reused after each checkpoint)
      // until the store closes. fsync works on any descriptor of the file: a read-only one suffices.
      walFd = fs.openSync(path.join(dataDir, 'amina.sqlite-wal'), 'r');
      // A new file's directory entry must be durable too, as SQLite's own first sync of it makes sure.
      const dirFd = fs.openSync(dataDir, 'r');
      try {
        fs.fsyncSync(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
    }
    return walFd;
  }

  function startSync(): void {
    if (syncRunning) return;
    if (awaitingSync.length === 0) {
      for (const resolve of idle.splice(0)) resolve();
      return;
    }
    syncRunning = true;
    const groups = (syncing = awaitingSync);
    awaitingSync = [];
    let fd: number;
    try {
      fd = walDescriptor();
    } catch (error) {
      syncRunning = false;
      syncing = [];
      for (const group of groups) group.fail(error);
      startSync();
      return;
    }
    fs.fdatasync(fd, (error) => {
      syncRunning = false;
      syncing = [];
      for (const group of groups) {
        if (error) group.fail(error);
        else group.settle();
      }
      startSync();
    });
  }

  /**
   * The last seq a reader of the log may see: below every committed report still waiting for its
   * sync, so that the live picture never shows (nor broadcasts) a report a power cut could take.
   */
  function durableCeiling(): number {
    let ceiling = Number.POSITIVE_INFINITY;
    for (const group of syncing) ceiling = Math.min(ceiling, group.firstSeq - 1);
    for (const group of awaitingSync) ceiling = Math.min(ceiling, group.firstSeq - 1);
    return ceiling;
  }

  function flushWrites(): void {
    const writes = pendingWrites;
    pendingWrites = [];
    if (writes.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const firstSeq = (statements.lastSeq.get()?.seq ?? 0) + 1;
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
    const settle = () => writes.forEach((write, i) => (outcomes[i]!.ok ? write.resolve(outcomes[i]!.value as never) : write.reject(outcomes[i]!.value)));
    if (!wal) {
      settle();
      return;
    }
    // A failed sync leaves the commit's durability unknown: the writes are refused (the client
    // retries, and a retried report is a duplicate), rather than acknowledged on a guess.
    awaitingSync.push({ settle, fail: (error) => writes.forEach((write) => write.reject(error)), firstSeq });
    startSync();
  }

  function durably<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (pendingWrites.length === 0) setImmediate(flushWrites);
      pendingWrites.push({ work, resolve: resolve as (value: never) => void, reject });
    });
  }

  /** Resolves once every write queued so far has committed and synced. */
  function drained(): Promise<void> {
    flushWrites();
    if (!syncRunning && awaitingSync.length === 0) return Promise.resolve();
    return new Promise((resolve) => idle.push(resolve));
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
    if (query.siteIds?.length === 1) {
      // One site (the overlap guard, a site's page): equality lets the (site, kind, observedAt) index
      // give the rows in the query's order, so that LIMIT stops the read instead of a sort of them all.
      where.push('reports.site_id = @siteId');
      params.siteId = query.siteIds[0];
    } else if (query.siteIds) {
      where.push('reports.site_id IN (SELECT value FROM json_each(@siteIds))');
      params.siteIds = JSON.stringify(query.siteIds);
    }
    if (query.kind !== undefined) {
      where.push('reports.kind = @kind');
      params.kind = query.kind;
    }
    if (after) {
      const condition = afterCondition(REPORTS_BY_OBSERVED, after, sqliteParam, 0);
      where.push(condition.sql);
      condition.params.forEach((value, i) => (params[`k${i}`] = value));
    }
    params.limit = limit;
    const sql = `SELECT reports.seq, reports.observed_ms, reports.content, reports.received_at, reports.exercise FROM reports
      WHERE ${where.join(' AND ')} ${orderBy(REPORTS_BY_OBSERVED)} LIMIT @limit`;
    return prepared<ReportRow>(sql).all(params);
  }

  /**
   * Statements of the queries built from filters, prepared once each: the overlap guard asks one
   * per arrivals report posted, and preparing it anew cost more than running it (bench/README.md).
   * The filters combine into a few dozen texts at most; the cache is emptied should it ever hold more.
   */
  const preparedQueries = new Map<string, Database.Statement<[Record<string, unknown>], unknown>>();
  function prepared<Row>(sql: string): Database.Statement<[Record<string, unknown>], Row> {
    let statement = preparedQueries.get(sql);
    if (!statement) {
      if (preparedQueries.size >= 128) preparedQueries.clear();
      preparedQueries.set(sql, (statement = db.prepare<[Record<string, unknown>], unknown>(sql)));
    }
    return statement as Database.Statement<[Record<string, unknown>], Row>;
  }

  function auditPage(filter: AuditFilter, after: readonly unknown[] | null, limit: number): { seq: number; body: string }[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.actor !== undefined) {
      // the token's id exactly, or a part of its label in any case (instr: no LIKE wildcards to escape)
      where.push("(audit.token_id = @actor OR instr(lower(json_extract(audit.body, '$.actor.label')), @actorLower) > 0)");
      params.actor = filter.actor;
      params.actorLower = filter.actor.toLowerCase();
    }
    if (filter.actions?.length) {
      where.push('audit.action IN (SELECT value FROM json_each(@actions))');
      params.actions = JSON.stringify(filter.actions);
    }
    if (filter.from !== undefined) {
      where.push('audit.at >= @from');
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      where.push('audit.at < @to');
      params.to = filter.to;
    }
    if (after) {
      const condition = afterCondition(AUDIT_NEWEST_FIRST, after, sqliteParam, 0);
      where.push(condition.sql);
      condition.params.forEach((value, i) => (params[`k${i}`] = value));
    }
    params.limit = limit;
    const sql = `SELECT audit.seq, audit.body FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${orderBy(AUDIT_NEWEST_FIRST)} LIMIT @limit`;
    return prepared<{ seq: number; body: string }>(sql).all(params);
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
      await durably(() => {
        for (const site of seed.sites) statements.insertSiteIfNew.run(site.id, JSON.stringify(site));
        statements.insertThresholdsIfNew.run(JSON.stringify(seed.thresholds));
      });
    },

    async close() {
      await drained();
      if (walFd !== undefined) fs.closeSync(walFd);
      db.close();
    },

    async ping() {
      statements.ping.get();
    },

    reports: {
      append(reports, audit) {
        return durably(() => {
          const result = appendInTransaction(reports);
          const entry = audit?.(result);
          if (entry) insertAudit(entry);
          return result;
        });
      },

      async *query(query) {
        const limit = query.limit;
        if (limit !== undefined && limit <= 0) return;
        const pageSize = Math.min(limit ?? QUERY_PAGE_SIZE, QUERY_PAGE_SIZE);
        const pages = keysetPages(pageSize, (after, n) => queryPage(query, after, n), (row) => [row.observed_ms, row.seq]);
        let given = 0;
        for await (const row of pages) {
          yield rowToReport(row);
          if (++given === limit) return;
        }
      },

      async arrivalsWithin(world, ranges, limit) {
        const exercise = world === 'exercise' ? 1 : 0;
        return ranges.map((r) => statements.arrivalsWithin.all(r.siteId, exercise, r.fromMs, r.toMs, limit).map(replayedRow));
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

      deleteExercise() {
        return durably(() => {
          const deleted = statements.deleteExercise.run().changes;
          if (deleted > 0) epoch += 1;
          return deleted;
        });
      },
    },

    // One process owns the file and commits in order, so seq order is the order of visibility.
    log: {
      async replay(onReport) {
        // better-sqlite3 is synchronous: nothing is written between this read and the replay below
        const seq = Math.min(statements.lastSeq.get()?.seq ?? 0, durableCeiling());
        for (const row of statements.allReports.iterate(seq)) onReport(replayedRow(row));
        return toPosition({ seq, epoch });
      },
      async readAfter(position) {
        const from = fromPosition(position);
        if (from.epoch !== epoch) return { reports: [], position, rewritten: true };
        // Only what is on disk: a report whose commit still waits for its sync is read next time.
        const ceiling = durableCeiling();
        const rows = statements.reportsAfter.all(from.seq).filter((row) => row.seq <= ceiling);
        const last = rows[rows.length - 1];
        return { reports: rows.map(rowToReport), position: last ? toPosition({ seq: last.seq, epoch }) : position, rewritten: false };
      },
    },

    sites: {
      async list() {
        return statements.listSites.all().map((r) => Site.parse(JSON.parse(r.body)));
      },
      async put(site) {
        await durably(() => statements.putSite.run(site.id, JSON.stringify(site)));
      },
      async putMany(sites) {
        await durably(() => putSites(sites));
      },
    },

    thresholds: {
      async get() {
        const row = statements.getThresholds.get();
        if (!row) throw new Error('thresholds were never seeded');
        return Thresholds.parse(JSON.parse(row.body));
      },
      async put(thresholds) {
        await durably(() => statements.putThresholds.run(JSON.stringify(thresholds)));
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

      insert(world, alert) {
        const subject = alertSubjectKey(alert);
        return durably(() => {
          const open = statements.openAlertBySubject.get(world, subject);
          if (open) return alertFromBody(open.body);
          const body = JSON.stringify(alert);
          statements.insertAlert.run({ id: alert.id, world, subject, state: alert.state, raisedAt: alert.raisedAt, body });
          statements.insertAlertEvent.run({ alertId: alert.id, world, at: alert.updatedAt, kind: 'raised', body });
          return alert;
        });
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
        await durably(() => insertToken(token));
      },
      async createMany(tokens) {
        await durably(() => insertTokens(tokens));
      },
      async findByHash(hash) {
        const row = statements.tokenByHash.get(hash);
        return row ? tokenFromRow(row) : undefined;
      },
      async get(id) {
        const row = statements.tokenById.get(id);
        return row ? tokenFromRow(row) : undefined;
      },
      async list() {
        return statements.listTokens.all().map(tokenFromRow);
      },
      revoke(id, at) {
        return durably(() => statements.revokeToken.run(at, id).changes > 0);
      },
      revokeMany(ids, at) {
        return durably(() => revokeTokens(ids, at));
      },
      async touch(id, at, staleBefore) {
        statements.touchToken.run(at, id, staleBefore);
      },
      async count() {
        return statements.countTokens.get()!.n;
      },
    },

    phones: {
      async create(phone) {
        return statements.insertPhone.run(phone).changes > 0;
      },
      async findByHash(hash) {
        const row = statements.phoneByHash.get(hash);
        return row ? phoneFromRow(row) : undefined;
      },
      async list() {
        return statements.listPhones.all().map(phoneFromRow);
      },
      async delete(id) {
        return statements.deletePhone.run(id).changes > 0;
      },
    },

    audit: {
      async append(entry) {
        // Committed with the other writes of this turn (group commit, above): one fsync for many requests.
        await durably(() => insertAudit(entry));
      },
      async list(query) {
        let after: number[] | null = null;
        if (query.before !== undefined) {
          const found = statements.auditSeq.get(query.before);
          if (!found) return undefined;
          after = [found.seq];
        }
        return auditPage(query, after, query.limit).map((r) => AuditEntry.parse(JSON.parse(r.body)));
      },
      async *query(filter) {
        const pages = keysetPages(QUERY_PAGE_SIZE, (after, limit) => auditPage(filter, after, limit), (row) => [row.seq]);
        for await (const row of pages) yield AuditEntry.parse(JSON.parse(row.body));
      },
    },
  };
}
