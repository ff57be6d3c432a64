// Series for charts, from the reports of one governorate's sites. Pure: the range is an argument.
import { isSilent } from './bands.ts';
import { isClosedAt, type SeriesPoint, type Site, type SiteSeriesValues, type StoredReport, type Thresholds } from './schemas.ts';
import { reportOrder } from './siteLog.ts';
import { HOUR_MS, hourStart, isoSeconds, MINUTE_MS } from './time.ts';

/** Bucket sizes a series may use, from a quarter of an hour to a day. */
export const SERIES_BUCKETS = { '15m': 15 * MINUTE_MS, '1h': HOUR_MS, '6h': 6 * HOUR_MS, '1d': 24 * HOUR_MS } as const;
export type SeriesBucket = keyof typeof SERIES_BUCKETS;
/** The longest range a series may span. */
export const SERIES_MAX_RANGE_MS = 90 * 24 * HOUR_MS;
/** No series sends more points than this: charts stay light. */
export const SERIES_MAX_POINTS = 400;

/** The bucket a range gets when the caller names none: the finest that keeps the points few. */
export function defaultBucket(rangeMs: number): SeriesBucket {
  if (rangeMs <= 12 * HOUR_MS) return '15m';
  if (rangeMs <= 8 * 24 * HOUR_MS) return '1h';
  if (rangeMs <= 31 * 24 * HOUR_MS) return '6h';
  return '1d';
}

export interface SeriesRequest {
  sites: readonly Site[];
  /**
   * Every report of the sites in [fromMs, toMs), plus each shelter's latest occupancy report before
   * fromMs (occupancy is a level, carried forward from its last report).
   */
  reports: readonly StoredReport[];
  /** first bucket's start; buckets are aligned to it */
  fromMs: number;
  /** the range ends here (exclusive); the last bucket may be shorter */
  toMs: number;
  bucketMs: number;
  /** the clock: a bucket that ends after it is judged at it */
  nowMs: number;
  /** silence windows decide which shelters' occupancy is current, as in the live rollups */
  thresholds: Thresholds;
  /** also give each site's own values per bucket */
  bySite?: boolean;
}

interface Level {
  atMs: number;
  order: string;
  value: number;
}

/**
 * One point per bucket from `fromMs`. `arrivals` and `departures` sum what was observed in the
 * bucket. `occupancy` and `capacity` are those of the shelters whose latest occupancy, at the
 * bucket's end (or now, for the bucket under way), is current, exactly as the live rollup counts
 * them: a shelter silent longer than its window drops out rather than being counted as it last was.
 * Capacity is the registry's today: the registry keeps no history of capacity.
 */
export function bucketSeries(request: SeriesRequest): SeriesPoint[] {
  const { sites, reports, fromMs, toMs, bucketMs, nowMs, thresholds } = request;
  const count = Math.max(0, Math.ceil((toMs - fromMs) / bucketMs));
  const byId = new Map(sites.map((s) => [s.id, s]));
  const shelters = sites.filter((s) => s.kind === 'shelter');
  const flows = Array.from({ length: count }, () => ({ arrivals: 0, departures: 0, bySite: new Map<string, { arrivals: number; departures: number }>() }));
  const levels: (Level & { siteId: string })[] = [];
  for (const r of reports) {
    const atMs = Date.parse(r.observedAt);
    if (r.kind === 'arrivals') {
      const index = Math.floor((atMs - fromMs) / bucketMs);
      if (atMs < fromMs || index >= count) continue;
      const bucket = flows[index]!;
      bucket.arrivals += r.arrivals;
      bucket.departures += r.departures ?? 0;
      if (request.bySite) {
        const own = bucket.bySite.get(r.siteId) ?? { arrivals: 0, departures: 0 };
        own.arrivals += r.arrivals;
        own.departures += r.departures ?? 0;
        bucket.bySite.set(r.siteId, own);
      }
    } else if (r.kind === 'occupancy' && byId.get(r.siteId)?.kind === 'shelter') {
      levels.push({ atMs, order: reportOrder(r), siteId: r.siteId, value: r.occupancy });
    }
  }
  levels.sort((a, b) => a.atMs - b.atMs || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));

  const latest = new Map<string, Level>();
  let next = 0;
  const points: SeriesPoint[] = [];
  for (let i = 0; i < count; i++) {
    const startMs = fromMs + i * bucketMs;
    const endMs = Math.min(startMs + bucketMs, toMs);
    while (next < levels.length && levels[next]!.atMs < endMs) {
      const level = levels[next++]!;
      latest.set(level.siteId, level);
    }
    const judgedAtMs = Math.min(endMs, nowMs);
    let occupancy = 0;
    let capacity = 0;
    const bySite: Record<string, SiteSeriesValues> = {};
    for (const shelter of shelters) {
      const level = latest.get(shelter.id);
      // a shelter closed by the bucket's end holds nobody from then on; its earlier buckets keep its level
      const current = level !== undefined && !isSilent(shelter, level.atMs, thresholds, judgedAtMs) && !isClosedAt(shelter, judgedAtMs);
      if (current) {
        occupancy += level.value;
        capacity += shelter.capacity ?? 0;
      }
      if (request.bySite && current) bySite[shelter.id] = { occupancy: level.value, ...(shelter.capacity ? { capacity: shelter.capacity } : {}) };
    }
    const flow = flows[i]!;
    if (request.bySite) for (const [siteId, own] of flow.bySite) bySite[siteId] = own;
    points.push({
      hour: isoSeconds(startMs),
      arrivals: flow.arrivals,
      departures: flow.departures,
      occupancy,
      capacity,
      ...(request.bySite ? { bySite } : {}),
    });
  }
  return points;
}

/**
 * The v1 series: `hours` whole UTC hours that end with the hour containing `nowMs`, a point an hour.
 */
export function hourlySeries(sites: readonly Site[], reports: readonly StoredReport[], nowMs: number, hours: number, thresholds: Thresholds): SeriesPoint[] {
  const lastHour = hourStart(nowMs);
  return bucketSeries({ sites, reports, fromMs: lastHour - (hours - 1) * HOUR_MS, toMs: lastHour + HOUR_MS, bucketMs: HOUR_MS, nowMs, thresholds });
}
