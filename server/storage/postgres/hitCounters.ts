// Rate-limit counters in one table, so that every instance draws on the same budget. Windows are
// measured on the database's clock, the one clock all instances share.
import type { HitCounters, WindowHits } from '../store.ts';
import type { Database } from './database.ts';

const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
/** Ended windows are swept now and then, not on every hit. */
const SWEEP_EVERY = 1000;

interface Row {
  hits: number;
  reset_ms: string;
}

const hitsOf = (row: Row): WindowHits => ({ hits: row.hits, resetAtMs: Number(row.reset_ms) });

export function postgresHitCounters(db: Database): HitCounters {
  let sinceSweep = 0;
  return {
    async increment(key, windowMs) {
      if (++sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        await db.query(`DELETE FROM rate_limits WHERE reset_ms < ${NOW_MS}`);
      }
      const found = await db.query<Row>(
        `INSERT INTO rate_limits (key, hits, reset_ms) VALUES ($1, 1, ${NOW_MS} + $2)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.reset_ms <= ${NOW_MS} THEN 1 ELSE rate_limits.hits + 1 END,
           reset_ms = CASE WHEN rate_limits.reset_ms <= ${NOW_MS} THEN ${NOW_MS} + $2 ELSE rate_limits.reset_ms END
         RETURNING hits, reset_ms`,
        [key, windowMs],
      );
      return hitsOf(found.rows[0]!);
    },
    async get(key) {
      const found = await db.query<Row>(`SELECT hits, reset_ms FROM rate_limits WHERE key = $1 AND reset_ms > ${NOW_MS}`, [key]);
      return found.rows[0] ? hitsOf(found.rows[0]) : undefined;
    },
    async decrement(key) {
      await db.query('UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1', [key]);
    },
    async reset(key) {
      await db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
    },
  };
}
