// What the drill-down's charts draw, from one answer of GET /api/governorates/:pcode/series?by=site:
// the range picked in the address and its bucket, arrivals split by checkpoint (the five largest
// named, the rest as one group), and each shelter's level against its capacity. Pure, so that the
// sums can be tested without a browser.
import type { SeriesPoint, Site } from '../../../shared/schemas.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGE_PRESETS = { '6h': 6 * HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
export const DEFAULT_PRESET: RangePreset = '24h';
/** The API's own limit on a range (shared/series.ts, SERIES_MAX_RANGE_MS). */
export const MAX_RANGE_MS = 90 * DAY;

export type RangeChoice = { preset: RangePreset } | { fromMs: number; toMs: number };

export type Bucket = '15m' | '1h' | '6h' | '1d';
export const BUCKET_MS: Record<Bucket, number> = { '15m': 15 * MINUTE, '1h': HOUR, '6h': 6 * HOUR, '1d': DAY };

/**
 * The bucket for a range: the finest that keeps a series under about 200 points, so a chart stays
 * light and each bar wide enough to point at (15 min up to a day, 6 h up to 8 days, …).
 */
export function bucketFor(rangeMs: number): Bucket {
  if (rangeMs <= DAY) return '15m';
  if (rangeMs <= 8 * DAY) return '1h';
  if (rangeMs <= 31 * DAY) return '6h';
  return '1d';
}

const isPreset = (value: string | null): value is RangePreset => value !== null && Object.hasOwn(RANGE_PRESETS, value);

/** The range in the address: `?range=7d`, or `?from=…&to=…` for a custom one; 24 h when neither. */
export function rangeFromSearch(search: string): RangeChoice {
  const params = new URLSearchParams(search);
  const from = Date.parse(params.get('from') ?? '');
  const to = Date.parse(params.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to)) return { fromMs: from, toMs: to };
  const preset = params.get('range');
  return { preset: isPreset(preset) ? preset : DEFAULT_PRESET };
}

/** The address parameters that say `choice` (the others are the caller's to keep). */
export function rangeParams(choice: RangeChoice): { range: string | null; from: string | null; to: string | null } {
  if ('preset' in choice) return { range: choice.preset === DEFAULT_PRESET ? null : choice.preset, from: null, to: null };
  return { range: null, from: new Date(choice.fromMs).toISOString(), to: new Date(choice.toMs).toISOString() };
}

export interface ResolvedRange {
  fromMs: number;
  toMs: number;
  bucket: Bucket;
  bucketMs: number;
}

/**
 * A preset ends at `endMs` (now, or the moment a past picture shows) and starts on a bucket boundary,
 * so ticks fall on whole quarters, hours or days. A custom range is taken as given; what is wrong
 * with it is said in words (the server would refuse it the same way, naming the parameter).
 */
export type RangeProblem = 'reversed' | 'tooLong' | 'future';

export function resolveRange(choice: RangeChoice, endMs: number): ResolvedRange | { problem: RangeProblem } {
  if ('preset' in choice) {
    const span = RANGE_PRESETS[choice.preset];
    const bucket = bucketFor(span);
    const bucketMs = BUCKET_MS[bucket];
    return { fromMs: Math.floor((endMs - span) / bucketMs) * bucketMs, toMs: endMs, bucket, bucketMs };
  }
  const { fromMs, toMs } = choice;
  if (toMs <= fromMs) return { problem: 'reversed' };
  if (toMs - fromMs > MAX_RANGE_MS) return { problem: 'tooLong' };
  if (toMs > endMs + 5 * MINUTE) return { problem: 'future' };
  const bucket = bucketFor(toMs - fromMs);
  return { fromMs, toMs, bucket, bucketMs: BUCKET_MS[bucket] };
}

/** How many checkpoints are drawn by name; the others are summed as one series. */
export const NAMED_CHECKPOINTS = 5;
export const OTHER_KEY = 'other';

export interface ChartRow {
  /** the bucket's start, ISO */
  t: string;
  arrivals: number;
  departures: number;
  occupancy: number;
  capacity: number;
  /** arrivals per named checkpoint (`cp:<id>`) and the rest (`other`) */
  [key: string]: number | string;
}

export interface ShelterSeries {
  site: Site;
  capacity: number | null;
  /** the shelter's level at each bucket's end, null where it had no current report */
  points: { t: string; occupancy: number | null }[];
}

export interface ChartData {
  rows: ChartRow[];
  /** the checkpoints drawn by name, most arrivals in the range first */
  named: Site[];
  /** checkpoints summed as `other` (reported, but not among the five) */
  others: Site[];
  shelters: ShelterSeries[];
  /** whether any checkpoint reported departures in the range: the chart shows them only then */
  departuresReported: boolean;
}

export const checkpointKey = (siteId: string) => `cp:${siteId}`;

export function chartData(points: readonly SeriesPoint[], sites: readonly Site[]): ChartData {
  const checkpoints = sites.filter((s) => s.kind === 'checkpoint');
  const totals = new Map<string, number>();
  let departuresReported = false;
  for (const p of points) {
    for (const [siteId, values] of Object.entries(p.bySite ?? {})) {
      if (values.arrivals !== undefined) totals.set(siteId, (totals.get(siteId) ?? 0) + values.arrivals);
      if (values.departures) departuresReported = true;
    }
    if (p.departures > 0) departuresReported = true;
  }
  const ranked = checkpoints
    .filter((s) => totals.has(s.id))
    .sort((a, b) => totals.get(b.id)! - totals.get(a.id)! || a.id.localeCompare(b.id));
  const named = ranked.slice(0, NAMED_CHECKPOINTS);
  const others = ranked.slice(NAMED_CHECKPOINTS);
  const namedIds = new Set(named.map((s) => s.id));
  const rows = points.map((p) => {
    const row: ChartRow = { t: p.hour, arrivals: p.arrivals, departures: p.departures, occupancy: p.occupancy, capacity: p.capacity };
    for (const s of named) row[checkpointKey(s.id)] = 0;
    if (others.length) row[OTHER_KEY] = 0;
    for (const [siteId, values] of Object.entries(p.bySite ?? {})) {
      if (values.arrivals === undefined) continue;
      const key = namedIds.has(siteId) ? checkpointKey(siteId) : OTHER_KEY;
      row[key] = (row[key] as number) + values.arrivals;
    }
    return row;
  });
  const shelters = sites
    .filter((s) => s.kind === 'shelter')
    .map((site) => ({
      site,
      capacity: site.capacity ?? null,
      points: points.map((p) => {
        const own = p.bySite && Object.hasOwn(p.bySite, site.id) ? p.bySite[site.id] : undefined;
        return { t: p.hour, occupancy: own?.occupancy ?? null };
      }),
    }));
  return { rows, named, others, shelters, departuresReported };
}
