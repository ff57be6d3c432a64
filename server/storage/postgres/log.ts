// The report log as several instances follow it, and the notifications that make following prompt.
import pg from 'pg';
import type { StoredReport } from '../../../shared/schemas.ts';
import { afterCondition, keysetPages, orderBy, type SortKey } from '../keyset.ts';
import { replayedReport, storedReport } from '../rows.ts';
import type { ChangeFeed, LogPosition, ReportLog, SharedChange } from '../store.ts';
import type { Database, PostgresStoreOptions } from './database.ts';

/** The notification channel of each kind of change. */
export const CHANNELS: Record<SharedChange, string> = {
  reports: 'amina_reports',
  alerts: 'amina_alerts',
  settings: 'amina_settings',
  tokens: 'amina_tokens',
  reset: 'amina_reset',
};
const CHANGE_OF_CHANNEL = new Map(Object.entries(CHANNELS).map(([change, channel]) => [channel, change as SharedChange]));

const REPLAY_PAGE_SIZE = 5000;
const REPORTS_BY_SEQ: SortKey = { table: 'reports', columns: ['seq'] };

/** Where a snapshot stands: its xmin (every older transaction has ended) and the log's epoch. */
const SNAPSHOT_SQL = 'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, epoch::text AS epoch FROM log_epoch WHERE id = 1';

/** A report row as the log reads it; bigints arrive as strings, which is how they are passed back. */
interface LogRow {
  seq: string;
  id: string;
  content: string;
  received_at: string;
  exercise: boolean;
  txid: string;
}

const LOG_COLUMNS = 'reports.seq, reports.id, reports.content, reports.received_at, reports.exercise, reports.txid::text AS txid';

const rowToReport = (row: LogRow): StoredReport => storedReport(row.content, row.received_at, row.exercise);
const replayedRow = (row: LogRow): StoredReport => replayedReport(row.content, row.received_at, row.exercise);

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

export function postgresLog(db: Database): ReportLog {
  return {
    /** Reads every report in storage order inside one snapshot, and where a follower goes on from. */
    replay(onReport) {
      return db.transaction(async (client) => {
        const snapshot = await client.query<{ xmin: string; epoch: string }>(SNAPSHOT_SQL);
        const xmin = BigInt(snapshot.rows[0]!.xmin);
        const pending = new Set<string>();
        const pages = keysetPages<LogRow>(
          REPLAY_PAGE_SIZE,
          async (after, limit) => {
            const condition = after ? afterCondition(REPORTS_BY_SEQ, after, (i) => `$${i + 1}`, 0) : null;
            const page = await client.query<LogRow>(
              `SELECT ${LOG_COLUMNS} FROM reports ${condition ? `WHERE ${condition.sql}` : ''} ${orderBy(REPORTS_BY_SEQ)} LIMIT ${limit}`,
              condition?.params ?? [],
            );
            return page.rows;
          },
          (row) => [row.seq],
        );
        for await (const row of pages) {
          onReport(replayedRow(row));
          if (BigInt(row.txid) >= xmin) pending.add(row.id);
        }
        return toPosition({ xmin, pending, epoch: snapshot.rows[0]!.epoch });
      }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },

    readAfter(position) {
      const from = fromPosition(position);
      return db.transaction(async (client) => {
        const snapshot = await client.query<{ xmin: string; epoch: string }>(SNAPSHOT_SQL);
        if (snapshot.rows[0]!.epoch !== from.epoch) return { reports: [], position, rewritten: true };
        const snapshotXmin = BigInt(snapshot.rows[0]!.xmin);
        // Every transaction older than the snapshot's xmin has ended: the rows below it are final.
        const rows = await client.query<LogRow>(
          `SELECT ${LOG_COLUMNS} FROM reports WHERE reports.txid >= $1::xid8 ${orderBy(REPORTS_BY_SEQ)}`,
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
  };
}

/**
 * The notification connection: one per instance, outside the pool, opened again whenever it is lost.
 * After each (re)connection it says that everything may have changed, since what was written while
 * no one listened is found only by reading.
 */
export function postgresChangeFeed(databaseUrl: string, options: PostgresStoreOptions): ChangeFeed & { close(): Promise<void> } {
  const applicationName = `${options.applicationName ?? 'amina'}-listen`;
  const subscribers: ((change: SharedChange, payload: string) => void)[] = [];
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let reconnectDelayMs = options.listenReconnectMs ?? 1000;
  let closed = false;

  function notifyAll(change: SharedChange, payload: string) {
    for (const subscriber of subscribers) subscriber(change, payload);
  }

  function listen() {
    if (closed || listener) return;
    const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName, keepAlive: true });
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
        for (const change of Object.keys(CHANNELS) as SharedChange[]) {
          if (change !== 'tokens' && change !== 'reset') notifyAll(change, '');
        }
      })
      .catch(onLost);
  }

  return {
    subscribe(onChange) {
      subscribers.push(onChange);
      listen();
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
    },
  };
}
