// The shared store: one PostgreSQL database behind any number of server instances.
import { alertSubjectKey } from '../../../shared/alerts.ts';
import { mergeAlertWrite } from '../../../shared/bands.ts';
import { sameValue } from '../../../shared/sameValue.ts';
import { FUTURE_TOLERANCE_MS, REPORT_KIND_FOR_SITE, Site, Thresholds, type StoredReport, type World } from '../../../shared/schemas.ts';
import { WINDOW_24H_MS } from '../../../shared/siteLog.ts';
import { afterCondition, keysetPages, orderBy, type SortKey } from '../keyset.ts';
import { alertFromBody, PHONE_JOIN_SQL, phoneFromRow, replayedReport, reportContent, sameContent, storedReport, tokenFromRow, type PhoneJoinRow, type TokenRow } from '../rows.ts';
import { alertEventKind, AlertEventKind, AuditEntry, ReportConflictError, type AppendResult, type AuditFilter, type ReportQuery, type SeedData, type Store, type TokenRecord } from '../store.ts';
import { isoSeconds } from '../../../shared/time.ts';
import { openDatabase, type PostgresStoreOptions } from './database.ts';
import { postgresHitCounters } from './hitCounters.ts';
import { CHANNELS, postgresChangeFeed, postgresLog } from './log.ts';
import { migrate } from './migrations.ts';

const INSERT_TOKEN = `INSERT INTO tokens (id, hash, role, sites, label, created_at, revoked_at, exercise, expires_at, last_used_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

function tokenValues(token: TokenRecord): unknown[] {
  return [
    token.id,
    token.hash,
    token.role,
    JSON.stringify(token.sites),
    token.label,
    token.createdAt,
    token.revokedAt ?? null,
    token.exercise === true,
    token.expiresAt ?? null,
    token.lastUsedAt ?? null,
  ];
}

export type { PostgresStoreOptions } from './database.ts';
export { isUnavailable } from './errors.ts';

const QUERY_PAGE_SIZE = 1000;
const REPORTS_BY_OBSERVED: SortKey = { table: 'reports', columns: ['observed_ms', 'seq'] };
const AUDIT_NEWEST_FIRST: SortKey = { table: 'audit', columns: ['seq'], descending: true };
const AUDIT_PAGE_SIZE = 1000;

/** A report row as queries read it; bigints arrive as strings, which is how they are passed back. */
interface ReportRow {
  seq: string;
  observed_ms: string;
  content: string;
  received_at: string;
  exercise: boolean;
}

const INSERT_AUDIT = 'INSERT INTO audit (id, at, action, token_id, body) VALUES ($1, $2, $3, $4, $5)';
const auditParams = (entry: AuditEntry) => [entry.id, entry.at, entry.action, entry.actor.tokenId, JSON.stringify(entry)];

const rowToReport = (row: Pick<ReportRow, 'content' | 'received_at' | 'exercise'>) => storedReport(row.content, row.received_at, row.exercise);

export function openPostgresStore(databaseUrl: string, options: PostgresStoreOptions = {}): Store {
  const db = openDatabase(databaseUrl, options);
  const changes = postgresChangeFeed(databaseUrl, options);

  /** One page of the audit log, newest first; bigint seqs arrive as strings and are passed back so. */
  async function auditPage(filter: AuditFilter, after: readonly unknown[] | null, limit: number): Promise<{ seq: string; body: string }[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.actor !== undefined) {
      params.push(filter.actor, filter.actor.toLowerCase());
      // the token's id exactly, or a part of its label in any case (strpos: no LIKE wildcards to escape)
      where.push(`(audit.token_id = $${params.length - 1} OR strpos(lower(audit.body::jsonb #>> '{actor,label}'), $${params.length}) > 0)`);
    }
    if (filter.actions?.length) {
      params.push(filter.actions);
      where.push(`audit.action = ANY($${params.length}::text[])`);
    }
    // Instants compared as the strings they are stamped as, byte by byte whatever the database's collation.
    if (filter.from !== undefined) {
      params.push(filter.from);
      where.push(`audit.at COLLATE "C" >= $${params.length}`);
    }
    if (filter.to !== undefined) {
      params.push(filter.to);
      where.push(`audit.at COLLATE "C" < $${params.length}`);
    }
    if (after) {
      const condition = afterCondition(AUDIT_NEWEST_FIRST, after, (i) => `$${i + 1}`, params.length);
      where.push(condition.sql);
      params.push(...condition.params);
    }
    const found = await db.query<{ seq: string; body: string }>(
      `SELECT audit.seq, audit.body FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${orderBy(AUDIT_NEWEST_FIRST)} LIMIT ${limit}`,
      params,
    );
    return found.rows;
  }

  function queryPage(filter: ReportQuery, after: readonly unknown[] | null, limit: number) {
    const params: unknown[] = [filter.world === 'exercise'];
    const where = ['reports.exercise = $1'];
    if (filter.fromMs !== undefined) {
      params.push(filter.fromMs);
      where.push(`reports.observed_ms >= $${params.length}`);
    }
    if (filter.toMs !== undefined) {
      params.push(filter.toMs);
      where.push(`reports.observed_ms < $${params.length}`);
    }
    if (filter.siteIds) {
      params.push(filter.siteIds);
      where.push(`reports.site_id = ANY($${params.length}::text[])`);
    }
    if (filter.kind !== undefined) {
      params.push(filter.kind);
      where.push(`reports.kind = $${params.length}`);
    }
    if (after) {
      const condition = afterCondition(REPORTS_BY_OBSERVED, after, (i) => `$${i + 1}`, params.length);
      where.push(condition.sql);
      params.push(...condition.params);
    }
    return db
      .query<ReportRow>(
        `SELECT reports.seq, reports.observed_ms, reports.content, reports.received_at, reports.exercise FROM reports
         WHERE ${where.join(' AND ')} ${orderBy(REPORTS_BY_OBSERVED)} LIMIT ${limit}`,
        params,
      )
      .then((page) => page.rows);
  }

  return {
    kind: 'postgres',
    log: postgresLog(db),
    changes,
    counters: postgresHitCounters(db),

    async init(seed: SeedData) {
      await db.transaction(async (client) => {
        await migrate(client);
        await client.query(`INSERT INTO sites (id, body) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING`, [
          seed.sites.map((s) => s.id),
          seed.sites.map((s) => JSON.stringify(s)),
        ]);
        await client.query('INSERT INTO thresholds (id, body) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [JSON.stringify(seed.thresholds)]);
      });
    },

    async close() {
      await changes.close();
      await db.end();
    },

    async ping() {
      await db.query('SELECT 1');
    },

    reports: {
      append(reports, audit) {
        return db.transaction(async (client) => {
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
              fresh.map((i) => reports[i]!.id),
              fresh.map((i) => reports[i]!.siteId),
              fresh.map((i) => reports[i]!.kind),
              fresh.map((i) => Date.parse(reports[i]!.observedAt)),
              fresh.map((i) => reports[i]!.receivedAt),
              fresh.map((i) => reports[i]!.exercise === true),
              fresh.map((i) => contents[i]),
            ],
          );
          const insertedIds = new Set(inserted.rows.map((r) => r.id));
          // Ids stored before, by this instance or another committing at the same moment: compare contents.
          const earlierIds = fresh.map((i) => reports[i]!.id).filter((id) => !insertedIds.has(id));
          const stored = new Map<string, { content: string; exercise: boolean }>();
          if (earlierIds.length > 0) {
            const found = await client.query<{ id: string; content: string; exercise: boolean }>(
              'SELECT id, content, exercise FROM reports WHERE id = ANY($1::text[])',
              [earlierIds],
            );
            for (const row of found.rows) stored.set(row.id, row);
          }
          const result: AppendResult = { accepted: [], duplicate: [] };
          const conflicts: string[] = [];
          reports.forEach((report, i) => {
            const first = firstIndex.get(report.id)!;
            const exercise = report.exercise === true;
            const earlier = first === i ? stored.get(report.id) : { content: contents[first]!, exercise: reports[first]!.exercise === true };
            if (first === i && insertedIds.has(report.id)) result.accepted.push(report.id);
            else if (earlier && earlier.exercise === exercise && sameContent(earlier.content, contents[i]!)) result.duplicate.push(report.id);
            else conflicts.push(report.id);
          });
          // Throwing rolls the whole transaction back: all or nothing.
          if (conflicts.length > 0) throw new ReportConflictError(conflicts);
          // The post's audit entry shares its transaction: one commit for both.
          const entry = audit?.(result);
          if (entry) await client.query(INSERT_AUDIT, auditParams(entry));
          if (result.accepted.length > 0) await client.query(`SELECT pg_notify('${CHANNELS.reports}', '')`);
          return result;
        });
      },

      async *query(filter) {
        const limit = filter.limit;
        if (limit !== undefined && limit <= 0) return;
        const pageSize = Math.min(limit ?? QUERY_PAGE_SIZE, QUERY_PAGE_SIZE);
        const pages = keysetPages(pageSize, (after, n) => queryPage(filter, after, n), (row) => [row.observed_ms, row.seq]);
        let given = 0;
        for await (const row of pages) {
          yield rowToReport(row);
          if (++given === limit) return;
        }
      },

      async arrivalsWithin(world, ranges, limit) {
        if (ranges.length === 0) return [];
        const found = await db.query<Pick<ReportRow, 'content' | 'received_at' | 'exercise'> & { n: string }>(
          `SELECT q.n, r.content, r.received_at, r.exercise
           FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS q(site_id, from_ms, to_ms, n)
           CROSS JOIN LATERAL (
             SELECT content, received_at, exercise, observed_ms, seq FROM reports
             WHERE site_id = q.site_id AND kind = 'arrivals' AND exercise = $4 AND observed_ms >= q.from_ms AND observed_ms < q.to_ms
             ORDER BY observed_ms, seq LIMIT $5
           ) r
           ORDER BY q.n, r.observed_ms, r.seq`,
          [ranges.map((r) => r.siteId), ranges.map((r) => r.fromMs), ranges.map((r) => r.toMs), world === 'exercise', limit],
        );
        const byRange: StoredReport[][] = ranges.map(() => []);
        for (const row of found.rows) byRange[Number(row.n) - 1]!.push(replayedReport(row.content, row.received_at, row.exercise));
        return byRange;
      },

      async latestOccupancyBefore(world, siteIds, beforeMs) {
        const found = await db.query<ReportRow>(
          `SELECT r.content, r.received_at, r.exercise
           FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n)
           CROSS JOIN LATERAL (
             SELECT content, received_at, exercise FROM reports
             WHERE site_id = s.id AND kind = 'occupancy' AND exercise = $3 AND observed_ms < $2
             ORDER BY observed_ms DESC, received_at DESC, id DESC LIMIT 1
           ) r
           ORDER BY s.n`,
          [siteIds, beforeMs, world === 'exercise'],
        );
        return found.rows.map(rowToReport);
      },

      async knownAt(world, sites, atMs) {
        const exercise = world === 'exercise';
        // received by then: stamped at most FUTURE_TOLERANCE_MS after it, which bounds the index scan
        const receivedBy = isoSeconds(atMs);
        const newest = atMs + FUTURE_TOLERANCE_MS;
        const arrivals = await db.query<ReportRow>(
          `SELECT content, received_at, exercise FROM reports
           WHERE kind = 'arrivals' AND exercise = $1 AND observed_ms > $2 AND observed_ms <= $3 AND received_at <= $4
           ORDER BY observed_ms, seq`,
          [exercise, atMs - WINDOW_24H_MS, newest, receivedBy],
        );
        const latest = await db.query<ReportRow>(
          `SELECT r.content, r.received_at, r.exercise
           FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(id, kind, n)
           CROSS JOIN LATERAL (
             SELECT content, received_at, exercise FROM reports
             WHERE site_id = s.id AND kind = s.kind AND exercise = $3 AND observed_ms <= $4 AND received_at <= $5
             ORDER BY observed_ms DESC, received_at DESC, id DESC LIMIT 1
           ) r
           ORDER BY s.n`,
          [sites.map((s) => s.id), sites.map((s) => REPORT_KIND_FOR_SITE[s.kind]), exercise, newest, receivedBy],
        );
        return [...arrivals.rows, ...latest.rows].map(rowToReport);
      },

      async count(siteId) {
        const found =
          siteId === undefined
            ? await db.query<{ n: string }>('SELECT count(*) AS n FROM reports')
            : await db.query<{ n: string }>('SELECT count(*) AS n FROM reports WHERE site_id = $1', [siteId]);
        return Number(found.rows[0]!.n);
      },

      deleteExercise() {
        return db.transaction(async (client) => {
          const deleted = await client.query('DELETE FROM reports WHERE exercise');
          const n = deleted.rowCount ?? 0;
          if (n > 0) {
            await client.query('UPDATE log_epoch SET epoch = epoch + 1 WHERE id = 1');
            await client.query(`SELECT pg_notify('${CHANNELS.reset}', '')`);
          }
          return n;
        });
      },
    },

    sites: {
      async list() {
        const found = await db.query<{ body: string }>('SELECT body FROM sites ORDER BY id');
        return found.rows.map((r) => Site.parse(JSON.parse(r.body)));
      },
      async put(site) {
        await db.query(
          `WITH put AS (INSERT INTO sites (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING id)
           SELECT pg_notify('${CHANNELS.settings}', id) FROM put`,
          [site.id, JSON.stringify(site)],
        );
      },
      async putMany(sites) {
        await db.transaction(async (client) => {
          for (const site of sites) {
            await client.query(
              `WITH put AS (INSERT INTO sites (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING id)
               SELECT pg_notify('${CHANNELS.settings}', id) FROM put`,
              [site.id, JSON.stringify(site)],
            );
          }
        });
      },
    },

    thresholds: {
      async get() {
        const found = await db.query<{ body: string }>('SELECT body FROM thresholds WHERE id = 1');
        if (found.rows.length === 0) throw new Error('thresholds were never seeded');
        return Thresholds.parse(JSON.parse(found.rows[0]!.body));
      },
      async put(thresholds) {
        await db.query(
          `WITH put AS (INSERT INTO thresholds (id, body) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING id)
           SELECT pg_notify('${CHANNELS.settings}', 'thresholds') FROM put`,
          [JSON.stringify(thresholds)],
        );
      },
    },

    alerts: {
      async list(world, states) {
        const found = states?.length
          ? await db.query<{ body: string }>(
              'SELECT body FROM alerts WHERE world = $1 AND state = ANY($2::text[]) ORDER BY raised_at DESC, id DESC',
              [world, states],
            )
          : await db.query<{ body: string }>('SELECT body FROM alerts WHERE world = $1 ORDER BY raised_at DESC, id DESC', [world]);
        return found.rows.map((r) => alertFromBody(r.body));
      },

      async get(id) {
        const found = await db.query<{ body: string; world: World }>('SELECT body, world FROM alerts WHERE id = $1', [id]);
        const row = found.rows[0];
        return row ? { alert: alertFromBody(row.body), world: row.world } : undefined;
      },

      async insert(world, alert) {
        const subject = alertSubjectKey(alert);
        // The open one may resolve between our insert and our read: then the insert can go through.
        for (let attempt = 0; attempt < 5; attempt++) {
          // The alert and the first entry of its history in one transaction: neither exists without the other.
          const inserted = await db.transaction(async (client) => {
            const row = await client.query(
              `WITH ins AS (
                 INSERT INTO alerts (id, world, subject, state, raised_at, body) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (world, subject) WHERE state <> 'resolved' DO NOTHING RETURNING id, body
               ),
               event AS (
                 INSERT INTO alert_events (alert_id, world, at, kind, body) SELECT id, $2, $7, 'raised', body FROM ins RETURNING alert_id
               )
               SELECT pg_notify('${CHANNELS.alerts}', alert_id) FROM event`,
              [alert.id, world, subject, alert.state, alert.raisedAt, JSON.stringify(alert), alert.updatedAt],
            );
            return row.rows.length > 0;
          });
          if (inserted) return alert;
          const open = await db.query<{ body: string }>("SELECT body FROM alerts WHERE world = $1 AND subject = $2 AND state <> 'resolved'", [
            world,
            subject,
          ]);
          if (open.rows.length > 0) return alertFromBody(open.rows[0]!.body);
        }
        throw new Error(`alert for ${subject} kept changing while it was being raised`);
      },

      update(alert) {
        return db.transaction(async (client) => {
          const found = await client.query<{ body: string; world: World }>('SELECT body, world FROM alerts WHERE id = $1 FOR UPDATE', [alert.id]);
          const row = found.rows[0];
          if (!row) return undefined;
          const stored = alertFromBody(row.body);
          const next = mergeAlertWrite(stored, alert);
          const body = JSON.stringify(next);
          // a write the merge undid entirely (a resolved alert stays resolved) changes nothing
          if (sameValue(next, stored)) return next;
          await client.query('UPDATE alerts SET state = $2, body = $3 WHERE id = $1', [alert.id, next.state, body]);
          await client.query('INSERT INTO alert_events (alert_id, world, at, kind, body) VALUES ($1, $2, $3, $4, $5)', [
            alert.id,
            row.world,
            next.updatedAt,
            alertEventKind(stored, next),
            body,
          ]);
          await client.query('SELECT pg_notify($1, $2)', [CHANNELS.alerts, alert.id]);
          return next;
        });
      },

      async history(world, query = {}) {
        const params: unknown[] = [world];
        const where = ['world = $1'];
        if (query.alertIds !== undefined) {
          params.push(query.alertIds);
          where.push(`alert_id = ANY($${params.length}::text[])`);
        }
        if (query.toMs !== undefined) {
          // times are whole-second UTC strings (C collation), which sort as the instants they name
          params.push(isoSeconds(query.toMs));
          where.push(`at <= $${params.length}`);
        }
        const found = await db.query<{ kind: string; at: string; body: string }>(
          `SELECT kind, at, body FROM alert_events WHERE ${where.join(' AND ')} ORDER BY at, seq`,
          params,
        );
        return found.rows.map((r) => ({ kind: AlertEventKind.parse(r.kind), at: r.at, world, alert: alertFromBody(r.body) }));
      },
    },

    tokens: {
      async create(token) {
        await db.query(INSERT_TOKEN, tokenValues(token));
      },
      async createMany(tokens) {
        // One transaction: a failure on any token (a hash collision) leaves none stored.
        await db.transaction(async (client) => {
          for (const token of tokens) await client.query(INSERT_TOKEN, tokenValues(token));
        });
      },
      async list() {
        const found = await db.query<TokenRow>('SELECT * FROM tokens ORDER BY seq');
        return found.rows.map(tokenFromRow);
      },
      async revokeMany(ids, at) {
        return db.transaction(async (client) => {
          // Locks the rows: a concurrent revocation waits, and the answer stays all or none.
          const found = await client.query<{ id: string }>('SELECT id FROM tokens WHERE id = ANY($1::text[]) FOR UPDATE', [ids]);
          const present = new Set(found.rows.map((r) => r.id));
          const missing = ids.filter((id) => !present.has(id));
          if (missing.length > 0) return { missing };
          // Every instance hears of each and closes those tokens' live connections.
          await client.query(
            `WITH rev AS (UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = ANY($2::text[]) RETURNING id)
             SELECT pg_notify('${CHANNELS.tokens}', id) FROM rev`,
            [at, ids],
          );
          return { missing };
        });
      },
      async touch(id, at, staleBefore) {
        await db.query('UPDATE tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at COLLATE "C" < $3)', [at, id, staleBefore]);
      },
      async findByHash(hash) {
        const found = await db.query<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hash]);
        const row = found.rows[0];
        return row ? tokenFromRow(row) : undefined;
      },
      async get(id) {
        const found = await db.query<TokenRow>('SELECT * FROM tokens WHERE id = $1', [id]);
        const row = found.rows[0];
        return row ? tokenFromRow(row) : undefined;
      },
      async revoke(id, at) {
        // Every instance hears of it at once and closes the token's live connections.
        const revoked = await db.query(
          `WITH rev AS (UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING id)
           SELECT pg_notify('${CHANNELS.tokens}', id) FROM rev`,
          [at, id],
        );
        return revoked.rows.length > 0;
      },
      async count() {
        const found = await db.query<{ n: string }>('SELECT count(*) AS n FROM tokens');
        return Number(found.rows[0]!.n);
      },
    },

    phones: {
      async create(phone) {
        const inserted = await db.query(
          'INSERT INTO phones (id, hash, masked, token_id, label, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING',
          [phone.id, phone.hash, phone.masked, phone.tokenId, phone.label, phone.createdAt],
        );
        return (inserted.rowCount ?? 0) > 0;
      },
      async findByHash(hash) {
        const found = await db.query<PhoneJoinRow>(`${PHONE_JOIN_SQL} WHERE p.hash = $1`, [hash]);
        const row = found.rows[0];
        return row ? phoneFromRow(row) : undefined;
      },
      async list() {
        const found = await db.query<PhoneJoinRow>(`${PHONE_JOIN_SQL} ORDER BY p.created_at, p.id`);
        return found.rows.map(phoneFromRow);
      },
      async delete(id) {
        const deleted = await db.query('DELETE FROM phones WHERE id = $1', [id]);
        return (deleted.rowCount ?? 0) > 0;
      },
    },

    audit: {
      async append(entry) {
        await db.query(INSERT_AUDIT, auditParams(entry));
      },
      async list(query) {
        let after: string[] | null = null;
        if (query.before !== undefined) {
          const found = await db.query<{ seq: string }>('SELECT seq FROM audit WHERE id = $1', [query.before]);
          if (!found.rows[0]) return undefined;
          after = [found.rows[0].seq];
        }
        return (await auditPage(query, after, query.limit)).map((r) => AuditEntry.parse(JSON.parse(r.body)));
      },
      async *query(filter) {
        const pages = keysetPages(AUDIT_PAGE_SIZE, (after, limit) => auditPage(filter, after, limit), (row) => [row.seq]);
        for await (const row of pages) yield AuditEntry.parse(JSON.parse(row.body));
      },
    },
  };
}
