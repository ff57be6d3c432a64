// The shared store: one PostgreSQL database behind any number of server instances.
import pg from 'pg';
import { Alert, Site, Thresholds, type StoredReport } from '../../shared/schemas.ts';
import {
  AuditEntry,
  ReportConflictError,
  StoreUnavailableError,
  alertSubjectKey,
  reportContent,
  storedReport,
  tokenFromRow,
  type TokenRow,
  type AppendResult,
  type LogPosition,
  type ReportQuery,
  type SeedData,
  type SharedChange,
  type SharedLog,
  type Store,
} from './store.ts';

/**
 * Each entry runs once, in order, recorded in schema_migrations. Text that is sorted or compared
 * byte-wise in SQLite uses the C collation here, so that both stores order ties the same way.
 */
const MIGRATIONS: string[] = [
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
];

/** Serialises migrations across instances that start together: any 64-bit constant of our own. */
const MIGRATION_LOCK_KEY = 7_316_540_112_901;

/** The notification channel of each kind of change. */
const CHANNELS: Record<SharedChange, string> = {
  reports: 'amina_reports',
  alerts: 'amina_alerts',
  settings: 'amina_settings',
  tokens: 'amina_tokens',
  reset: 'amina_reset',
};
const CHANGE_OF_CHANNEL = new Map(Object.entries(CHANNELS).map(([change, channel]) => [channel, change as SharedChange]));

const REPLAY_PAGE_SIZE = 5000;
const QUERY_PAGE_SIZE = 1000;

/** Where a snapshot stands: its xmin (every older transaction has ended) and the log's epoch. */
const SNAPSHOT_SQL = 'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, epoch::text FROM log_epoch WHERE id = 1';

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

/**
 * Errors that mean "the database cannot be reached now", as opposed to a bug in a statement:
 * connection failures, a server shutting down or refusing connections, a terminated session.
 */
const UNAVAILABLE_CODES = new Set([
  // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // object_not_in_prerequisite_state: the database does not accept connections now
  '55000',
  // invalid_catalog_name: the database is gone (dropped, or a standby that does not have it yet)
  '3D000',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// node-postgres's own errors carry no code, only these messages.
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /not queryable/i, /connection error/i];

export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(err.message));
}

function storeError(err: unknown): unknown {
  return isUnavailable(err) ? new StoreUnavailableError(err) : err;
}

interface ReportRow {
  seq: string;
  content: string;
  received_at: string;
  exercise: boolean;
  txid: string;
}

function rowToReport(row: Pick<ReportRow, 'content' | 'received_at' | 'exercise'>): StoredReport {
  return storedReport(row.content, row.received_at, Boolean(row.exercise));
}


/**
 * A follower's place: every report written by a transaction older than `xmin` has been given, and
 * so have the reports in `pending` (written by newer transactions, seen early); `epoch` counts
 * the rewrites of the log (exercise data cleared) that the follower has replayed.
 */
interface Position {
  xmin: bigint;
  pending: Set<string>;
  epoch: string;
}

const toPosition = (position: Position): LogPosition => ({ opaque: position });
function fromPosition(position: LogPosition): Position {
  const inner = position.opaque as Position;
  if (typeof inner?.xmin !== 'bigint' || !(inner.pending instanceof Set) || typeof inner.epoch !== 'string') {
    throw new Error('not a PostgreSQL log position');
  }
  return inner;
}

/**
 * An acknowledged alert stays acknowledged when another instance, working from an older copy,
 * writes a new value for it; only an escalation from warning to critical reopens it (as
 * reconcileAlerts decides). A resolved alert stays resolved.
 */
function mergeAlertUpdate(stored: Alert, next: Alert): Alert {
  if (stored.state === 'resolved') return stored;
  // Acknowledged on two instances at once: the first acknowledgement stands, as on one instance.
  if (stored.state === 'acknowledged' && next.state === 'acknowledged') {
    const { note: _later, ...rest } = next;
    return {
      ...rest,
      acknowledgedAt: stored.acknowledgedAt,
      acknowledgedBy: stored.acknowledgedBy,
      ...(stored.note ? { note: stored.note } : {}),
    };
  }
  const escalated = stored.severity === 'warning' && next.severity === 'critical';
  if (stored.state === 'acknowledged' && next.state === 'active' && !escalated) {
    return {
      ...next,
      state: 'acknowledged',
      ...(stored.acknowledgedAt ? { acknowledgedAt: stored.acknowledgedAt } : {}),
      ...(stored.acknowledgedBy ? { acknowledgedBy: stored.acknowledgedBy } : {}),
      ...(stored.note ? { note: stored.note } : {}),
    };
  }
  return next;
}

export function openPostgresStore(databaseUrl: string, options: PostgresStoreOptions = {}): Store {
  const applicationName = options.applicationName ?? 'amina';
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    application_name: applicationName,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  // An idle connection that the server drops is only removed: the next query opens a fresh one.
  pool.on('error', () => undefined);
  let closed = false;

  async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await pool.query<R>(text, values);
    } catch (err) {
      throw storeError(err);
    }
  }

  /** Runs `work` in one transaction on one connection; any failure rolls back everything. */
  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>, mode = 'BEGIN'): Promise<T> {
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
  }

  async function migrate(client: pg.PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(done.rows.map((r) => r.version));
    for (let i = 0; i < MIGRATIONS.length; i++) {
      if (applied.has(i + 1)) continue;
      await client.query(MIGRATIONS[i]);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
    }
  }

  /** Reads every report in storage order inside one snapshot, and where a follower goes on from. */
  async function replay(onReport: (report: StoredReport) => void): Promise<{ count: number; position: Position }> {
    return transaction(async (client) => {
      const snapshot = await client.query<{ xmin: string; epoch: string }>(SNAPSHOT_SQL);
      const xmin = BigInt(snapshot.rows[0].xmin);
      const pending = new Set<string>();
      let count = 0;
      let after = '0';
      for (;;) {
        const page = await client.query<ReportRow & { id: string }>(
          `SELECT seq::text, id, content, received_at, exercise, txid::text FROM reports
           WHERE seq > $1 ORDER BY seq LIMIT ${REPLAY_PAGE_SIZE}`,
          [after],
        );
        for (const row of page.rows) {
          onReport(rowToReport(row));
          if (BigInt(row.txid) >= xmin) pending.add(row.id);
          count++;
        }
        if (page.rows.length < REPLAY_PAGE_SIZE) break;
        after = page.rows[page.rows.length - 1].seq;
      }
      return { count, position: { xmin, pending, epoch: snapshot.rows[0].epoch } };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  const subscribers: ((change: SharedChange, payload: string) => void)[] = [];
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let reconnectDelayMs = options.listenReconnectMs ?? 1000;

  function notifyAll(change: SharedChange, payload: string) {
    for (const subscriber of subscribers) subscriber(change, payload);
  }

  /** The notification connection: one per instance, outside the pool, opened again whenever it is lost. */
  function listen() {
    if (closed || listener) return;
    const client = new pg.Client({ connectionString: databaseUrl, application_name: `${applicationName}-listen`, keepAlive: true });
    listener = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      listener = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (closed) return;
      reconnectTimer = setTimeout(listen, reconnectDelayMs);
      reconnectTimer.unref();
      reconnectDelayMs = Math.min(reconnectDelayMs * 2, 30_000);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      const change = CHANGE_OF_CHANNEL.get(message.channel);
      if (change) notifyAll(change, message.payload ?? '');
    });
    client
      .connect()
      .then(() => client.query(Object.values(CHANNELS).map((channel) => `LISTEN ${channel};`).join(' ')))
      .then(() => {
        reconnectDelayMs = options.listenReconnectMs ?? 1000;
        // What was written while no one listened is found by reading: say that everything may have changed.
        for (const change of Object.keys(CHANNELS) as SharedChange[]) {
          if (change !== 'tokens' && change !== 'reset') notifyAll(change, '');
        }
      })
      .catch(onLost);
  }

  const shared: SharedLog = {
    async replay(onReport) {
      return toPosition((await replay(onReport)).position);
    },

    async readAfter(position) {
      const from = fromPosition(position);
      return transaction(async (client) => {
        const snapshot = await client.query<{ xmin: string; epoch: string }>(SNAPSHOT_SQL);
        if (snapshot.rows[0].epoch !== from.epoch) return { reports: [], position, rewritten: true };
        const snapshotXmin = BigInt(snapshot.rows[0].xmin);
        // Every transaction older than the snapshot's xmin has ended: the rows below it are final.
        const rows = await client.query<ReportRow & { id: string }>(
          `SELECT seq::text, id, content, received_at, exercise, txid::text FROM reports
           WHERE txid >= $1::xid8 ORDER BY seq`,
          [from.xmin.toString()],
        );
        const xmin = snapshotXmin > from.xmin ? snapshotXmin : from.xmin;
        const reports: StoredReport[] = [];
        const pending = new Set<string>();
        for (const row of rows.rows) {
          if (!from.pending.has(row.id)) reports.push(rowToReport(row));
          if (BigInt(row.txid) >= xmin) pending.add(row.id);
        }
        return { reports, position: toPosition({ xmin, pending, epoch: from.epoch }), rewritten: false };
      }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },

    subscribe(onChange) {
      subscribers.push(onChange);
      listen();
    },
  };

  const store: Store = {
    kind: 'postgres',
    shared,

    async init(seed: SeedData) {
      await transaction(async (client) => {
        await migrate(client);
        await client.query(
          `INSERT INTO sites (id, body) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING`,
          [seed.sites.map((s) => s.id), seed.sites.map((s) => JSON.stringify(s))],
        );
        await client.query('INSERT INTO thresholds (id, body) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [
          JSON.stringify(seed.thresholds),
        ]);
      });
    },

    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const closing = listener;
      listener = undefined;
      if (closing) {
        closing.removeAllListeners('end');
        closing.removeAllListeners('notification');
        await closing.end().catch(() => undefined);
      }
      await pool.end();
    },

    async appendReports(reports) {
      return transaction(async (client) => {
        const contents = reports.map(reportContent);
        // The first occurrence of each id in the batch is the one to store; later ones compare with it.
        const firstIndex = new Map<string, number>();
        reports.forEach((r, i) => {
          if (!firstIndex.has(r.id)) firstIndex.set(r.id, i);
        });
        const fresh = [...firstIndex.values()];
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO reports (id, site_id, kind, observed_ms, received_at, exercise, content)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::boolean[], $7::text[])
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [
            fresh.map((i) => reports[i].id),
            fresh.map((i) => reports[i].siteId),
            fresh.map((i) => reports[i].kind),
            fresh.map((i) => Date.parse(reports[i].observedAt)),
            fresh.map((i) => reports[i].receivedAt),
            fresh.map((i) => reports[i].exercise === true),
            fresh.map((i) => contents[i]),
          ],
        );
        const insertedIds = new Set(inserted.rows.map((r) => r.id));
        // Ids stored before, by this instance or another committing at the same moment: compare contents.
        const earlierIds = fresh.map((i) => reports[i].id).filter((id) => !insertedIds.has(id));
        const stored = new Map<string, string>();
        if (earlierIds.length > 0) {
          const found = await client.query<{ id: string; content: string }>(
            'SELECT id, content FROM reports WHERE id = ANY($1::text[])',
            [earlierIds],
          );
          for (const row of found.rows) stored.set(row.id, row.content);
        }
        const result: AppendResult = { accepted: [], duplicate: [] };
        const conflicts: string[] = [];
        reports.forEach((report, i) => {
          const first = firstIndex.get(report.id)!;
          const earlier = first === i ? stored.get(report.id) : contents[first];
          if (first === i && insertedIds.has(report.id)) result.accepted.push(report.id);
          else if (earlier === contents[i]) result.duplicate.push(report.id);
          else conflicts.push(report.id);
        });
        // Throwing rolls the whole transaction back: all or nothing.
        if (conflicts.length > 0) throw new ReportConflictError(conflicts);
        if (result.accepted.length > 0) await client.query(`SELECT pg_notify('${CHANNELS.reports}', '')`);
        return result;
      });
    },

    async replayReports(onReport) {
      return (await replay(onReport)).count;
    },

    async *queryReports(filter: ReportQuery) {
      let after: [string, string] | null = null;
      for (;;) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter.fromMs !== undefined) {
          params.push(filter.fromMs);
          where.push(`observed_ms >= $${params.length}`);
        }
        if (filter.toMs !== undefined) {
          params.push(filter.toMs);
          where.push(`observed_ms < $${params.length}`);
        }
        if (filter.siteIds) {
          params.push(filter.siteIds);
          where.push(`site_id = ANY($${params.length}::text[])`);
        }
        if (after) {
          params.push(after[0], after[1]);
          where.push(`(observed_ms, seq) > ($${params.length - 1}::bigint, $${params.length}::bigint)`);
        }
        const page = await query<ReportRow & { observed_ms: string }>(
          `SELECT seq::text, observed_ms::text, content, received_at, exercise FROM reports
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY observed_ms, seq LIMIT ${QUERY_PAGE_SIZE}`,
          params,
        );
        for (const row of page.rows) yield rowToReport(row);
        if (page.rows.length < QUERY_PAGE_SIZE) return;
        const last = page.rows[page.rows.length - 1];
        after = [last.observed_ms, last.seq];
      }
    },

    async latestOccupancyBefore(siteIds, beforeMs) {
      const found = await query<ReportRow>(
        `SELECT r.content, r.received_at, r.exercise
         FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n)
         CROSS JOIN LATERAL (
           SELECT content, received_at, exercise FROM reports
           WHERE site_id = s.id AND kind = 'occupancy' AND observed_ms < $2
           ORDER BY observed_ms DESC, received_at DESC, id DESC LIMIT 1
         ) r
         ORDER BY s.n`,
        [siteIds, beforeMs],
      );
      return found.rows.map(rowToReport);
    },

    async deleteExerciseReports() {
      return transaction(async (client) => {
        const deleted = await client.query('DELETE FROM reports WHERE exercise');
        const n = deleted.rowCount ?? 0;
        if (n > 0) {
          await client.query('UPDATE log_epoch SET epoch = epoch + 1 WHERE id = 1');
          await client.query(`SELECT pg_notify('${CHANNELS.reset}', '')`);
        }
        return n;
      });
    },

    async countReports(siteId) {
      const found =
        siteId === undefined
          ? await query<{ n: string }>('SELECT count(*) AS n FROM reports')
          : await query<{ n: string }>('SELECT count(*) AS n FROM reports WHERE site_id = $1', [siteId]);
      return Number(found.rows[0].n);
    },

    async listSites() {
      const found = await query<{ body: string }>('SELECT body FROM sites ORDER BY id');
      return found.rows.map((r) => Site.parse(JSON.parse(r.body)));
    },

    async putSite(site) {
      await query(
        `WITH put AS (INSERT INTO sites (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING id)
         SELECT pg_notify('${CHANNELS.settings}', id) FROM put`,
        [site.id, JSON.stringify(site)],
      );
    },

    async getThresholds() {
      const found = await query<{ body: string }>('SELECT body FROM thresholds WHERE id = 1');
      if (found.rows.length === 0) throw new Error('thresholds were never seeded');
      return Thresholds.parse(JSON.parse(found.rows[0].body));
    },

    async putThresholds(thresholds) {
      await query(
        `WITH put AS (INSERT INTO thresholds (id, body) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING id)
         SELECT pg_notify('${CHANNELS.settings}', 'thresholds') FROM put`,
        [JSON.stringify(thresholds)],
      );
    },

    async listAlerts(states) {
      const found = states?.length
        ? await query<{ body: string }>('SELECT body FROM alerts WHERE state = ANY($1::text[]) ORDER BY raised_at DESC, id DESC', [
            states,
          ])
        : await query<{ body: string }>('SELECT body FROM alerts ORDER BY raised_at DESC, id DESC');
      return found.rows.map((r) => Alert.parse(JSON.parse(r.body)));
    },

    async getAlert(id) {
      const found = await query<{ body: string }>('SELECT body FROM alerts WHERE id = $1', [id]);
      return found.rows.length ? Alert.parse(JSON.parse(found.rows[0].body)) : undefined;
    },

    async insertAlert(alert) {
      const subject = alertSubjectKey(alert);
      // The open one may resolve between our insert and our read: then the insert can go through.
      for (let attempt = 0; attempt < 5; attempt++) {
        const inserted = await query(
          `WITH ins AS (
             INSERT INTO alerts (id, subject, state, raised_at, body) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (subject) WHERE state <> 'resolved' DO NOTHING RETURNING id
           )
           SELECT pg_notify('${CHANNELS.alerts}', id) FROM ins`,
          [alert.id, subject, alert.state, alert.raisedAt, JSON.stringify(alert)],
        );
        if (inserted.rows.length > 0) return alert;
        const open = await query<{ body: string }>("SELECT body FROM alerts WHERE subject = $1 AND state <> 'resolved'", [subject]);
        if (open.rows.length > 0) return Alert.parse(JSON.parse(open.rows[0].body));
      }
      throw new Error(`alert for ${subject} kept changing while it was being raised`);
    },

    async updateAlert(alert) {
      await transaction(async (client) => {
        const found = await client.query<{ body: string }>('SELECT body FROM alerts WHERE id = $1 FOR UPDATE', [alert.id]);
        if (found.rows.length === 0) return;
        const next = mergeAlertUpdate(Alert.parse(JSON.parse(found.rows[0].body)), alert);
        await client.query('UPDATE alerts SET state = $2, body = $3 WHERE id = $1', [alert.id, next.state, JSON.stringify(next)]);
        await client.query('SELECT pg_notify($1, $2)', [CHANNELS.alerts, alert.id]);
      });
    },

    async createToken(token) {
      await query(
        `INSERT INTO tokens (id, hash, role, sites, label, created_at, revoked_at, exercise) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          token.id,
          token.hash,
          token.role,
          JSON.stringify(token.sites),
          token.label,
          token.createdAt,
          token.revokedAt ?? null,
          token.exercise === true,
        ],
      );
    },

    async findTokenByHash(hash) {
      const found = await query<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hash]);
      const row = found.rows[0];
      if (!row) return undefined;
      return tokenFromRow(row);
    },

    async revokeToken(id, at) {
      // Every instance hears of it at once and closes the token's live connections.
      const revoked = await query(
        `WITH rev AS (UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING id)
         SELECT pg_notify('${CHANNELS.tokens}', id) FROM rev`,
        [at, id],
      );
      return revoked.rows.length > 0;
    },

    async countTokens() {
      const found = await query<{ n: string }>('SELECT count(*) AS n FROM tokens');
      return Number(found.rows[0].n);
    },

    async appendAudit(entry) {
      await query('INSERT INTO audit (id, at, action, token_id, body) VALUES ($1, $2, $3, $4, $5)', [
        entry.id,
        entry.at,
        entry.action,
        entry.actor.tokenId,
        JSON.stringify(entry),
      ]);
    },

    async listAudit(auditQuery) {
      const found = await query<{ body: string }>('SELECT body FROM audit ORDER BY seq DESC LIMIT $1', [auditQuery.limit]);
      return found.rows.map((r) => AuditEntry.parse(JSON.parse(r.body)));
    },
  };
  return store;
}
