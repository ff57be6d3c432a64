// Inflow against shelter capacity: when a governorate's shelters will be full. Pure: time is an argument.
// The method and its limits are written up in docs/forecast.md.
import { ownEntry } from './bands.ts';
import { FUTURE_TOLERANCE_MS, isClosedAt, type CapacityForecast, type OnwardFigures, type Site, type Thresholds } from './schemas.ts';
import type { SiteLog } from './siteLog.ts';
import { HOUR_MS } from './time.ts';

export type CapacityExhaustionSettings = NonNullable<Thresholds['capacityExhaustion']>;

/** Used when the stored thresholds predate the rule; the same values as fixtures/thresholds.json. */
export const DEFAULT_CAPACITY_EXHAUSTION: CapacityExhaustionSettings = {
  warningHours: 48,
  criticalHours: 12,
  shelterShare: 0.6,
  smoothingHours: 6,
};

/** Hours of arrivals the rate looks at: the projection keeps exactly this much (WINDOW_24H_MS). */
export const INFLOW_WINDOW_HOURS = 24;
/** Fewer arrival reports than this in the window, and the rate is not worth a number. */
export const MIN_ARRIVAL_REPORTS = 3;
/** The reports must reach back this many hourly buckets, so that one burst is not read as a rate. */
export const MIN_SPAN_HOURS = 3;
/** Half-width of the band in standard errors: roughly a 95 % interval if hours were independent. */
export const BAND_STANDARD_ERRORS = 2;
/** The band also reaches the mean of the latest hours, so a surge the smoothing lags behind shows. */
export const RECENT_HOURS = 3;
/** Beyond this a projection says nothing a coordinator can act on; screens say "not within 30 days". */
export const FORECAST_HORIZON_HOURS = 720;

export interface ArrivalEvent {
  atMs: number;
  arrivals: number;
}

export interface InflowEstimate {
  /** exponentially weighted arrivals per hour */
  perHour: number;
  lowPerHour: number;
  highPerHour: number;
  /** arrival reports in the window */
  reports: number;
  /** hourly buckets from the oldest report in the window to now */
  spanHours: number;
}

/** Arrivals per hourly bucket, from now back to the oldest report in the window, and the reports counted. */
export interface HourlyArrivals {
  counts: number[];
  reports: number;
}

/** Running bucket totals: every checkpoint's reports are folded in without copying them first. */
interface Buckets {
  counts: number[];
  reports: number;
  span: number;
}

function emptyBuckets(): Buckets {
  return { counts: new Array<number>(INFLOW_WINDOW_HOURS).fill(0), reports: 0, span: 0 };
}

/**
 * Bucket k holds reports observed in (now − (k+1) h, now − k h], as arrivalsInWindow counts them;
 * a report stamped a little ahead (within FUTURE_TOLERANCE_MS) falls in bucket 0. Reports older
 * than the window are left out.
 */
function addToBuckets(buckets: Buckets, events: readonly ArrivalEvent[], nowMs: number): void {
  const newest = nowMs + FUTURE_TOLERANCE_MS;
  const oldest = nowMs - INFLOW_WINDOW_HOURS * HOUR_MS;
  for (const e of events) {
    if (e.atMs > newest || e.atMs <= oldest) continue;
    const k = e.atMs >= nowMs ? 0 : Math.floor((nowMs - e.atMs) / HOUR_MS);
    buckets.counts[k]! += e.arrivals;
    buckets.reports += 1;
    if (k + 1 > buckets.span) buckets.span = k + 1;
  }
}

function finishBuckets(buckets: Buckets): HourlyArrivals {
  return { counts: buckets.counts.slice(0, buckets.span), reports: buckets.reports };
}

/** Arrivals per hour in hourly buckets sliding with `nowMs` (see addToBuckets). */
export function hourlyArrivals(events: readonly ArrivalEvent[], nowMs: number): HourlyArrivals {
  const buckets = emptyBuckets();
  addToBuckets(buckets, events, nowMs);
  return finishBuckets(buckets);
}

/**
 * The inflow rate as an exponentially weighted mean of the hourly counts, bucket k weighing
 * 2^(−k / halfLife), over the hours the reports cover. The buckets are rebuilt from the reports
 * at every refresh, never updated in arrival order, so a report that arrives late weighs as the
 * hour it describes. Null when the data are too thin to say: fewer than MIN_ARRIVAL_REPORTS reports, or
 * reports reaching back fewer than MIN_SPAN_HOURS buckets.
 *
 * The band: the weighted spread of the hourly counts (at least the count itself, the Poisson floor,
 * so a perfectly even series still carries counting noise) over the effective number of hours gives
 * a standard error; the band is the smoothed rate ± BAND_STANDARD_ERRORS of it, widened to include
 * the mean of the last RECENT_HOURS hours.
 */
export function smoothedInflow({ counts, reports }: HourlyArrivals, halfLifeHours: number): InflowEstimate | null {
  if (reports < MIN_ARRIVAL_REPORTS || counts.length < MIN_SPAN_HOURS) return null;

  let weightSum = 0;
  let weightSquares = 0;
  let weighted = 0;
  const weights = counts.map((_, k) => 2 ** (-k / halfLifeHours));
  for (let k = 0; k < counts.length; k++) {
    weightSum += weights[k]!;
    weightSquares += weights[k]! ** 2;
    weighted += weights[k]! * counts[k]!;
  }
  const perHour = weighted / weightSum;

  let spread = 0;
  for (let k = 0; k < counts.length; k++) spread += weights[k]! * (counts[k]! - perHour) ** 2;
  const variance = Math.max(spread / weightSum, perHour);
  const effectiveHours = weightSum ** 2 / weightSquares;
  const standardError = Math.sqrt(variance / effectiveHours);

  const recentHours = Math.min(RECENT_HOURS, counts.length);
  const recent = counts.slice(0, recentHours).reduce((sum, c) => sum + c, 0) / recentHours;
  return {
    perHour,
    lowPerHour: Math.max(0, Math.min(perHour - BAND_STANDARD_ERRORS * standardError, recent)),
    highPerHour: Math.max(perHour + BAND_STANDARD_ERRORS * standardError, recent),
    reports,
    spanHours: counts.length,
  };
}

/** One shelter's figures: occupancy null when it has no current report (see isCurrentShelter). */
export interface ShelterFigures {
  capacity: number;
  occupancy: number | null;
}

export interface ForecastInput {
  arrivals: HourlyArrivals;
  shelters: readonly ShelterFigures[];
  settings: Pick<CapacityExhaustionSettings, 'shelterShare' | 'smoothingHours'>;
  /**
   * persons expected in the next 24 h from checkpoints in other governorates (shared/onward.ts):
   * added to the inflow as an even rate over those hours, with the same shelter share
   */
  onwardExpected24h?: number;
}

/** Persons per hour to one decimal: enough to read, coarse enough not to change on every tick. */
const roundRate = (perHour: number) => Math.round(perHour * 10) / 10;

/**
 * The capacity forecast of one governorate. Remaining capacity counts only shelters with a current
 * occupancy report: a shelter not heard from has unknown room, and counting it as empty would delay
 * the warning. Hours are whole hours, so an alert does not churn with every tick.
 */
export function forecastCapacity({ arrivals, shelters, settings, onwardExpected24h = 0 }: ForecastInput): CapacityForecast {
  const { shelterShare, smoothingHours } = settings;
  const onwardPerHour = onwardExpected24h / EXPECTED_ONWARD_HOURS;
  const reporting = shelters.filter((s) => s.occupancy !== null);
  const capacity = reporting.reduce((sum, s) => sum + s.capacity, 0);
  const occupancy = reporting.reduce((sum, s) => sum + (s.occupancy ?? 0), 0);
  const inflow = smoothedInflow(arrivals, smoothingHours);
  const forecast: CapacityForecast = {
    status: 'projected',
    inflowPerHour: inflow ? roundRate(inflow.perHour) : null,
    inflowLowPerHour: inflow ? roundRate(inflow.lowPerHour) : null,
    inflowHighPerHour: inflow ? roundRate(inflow.highPerHour) : null,
    arrivalReports: arrivals.reports,
    shelterShare,
    smoothingHours,
    remainingCapacity: Math.max(0, capacity - occupancy),
    sheltersReporting: reporting.length,
    shelters: shelters.length,
    hoursToFull: null,
    hoursToFullLow: null,
    hoursToFullHigh: null,
  };
  if (onwardPerHour > 0) {
    forecast.onwardPerHour = roundRate(onwardPerHour);
    // own inflow too thin to say counts as none: the projection is then "at least the onward movement"
    forecast.onwardShare = Math.round((onwardPerHour / ((inflow?.perHour ?? 0) + onwardPerHour)) * 100) / 100;
  }
  if (shelters.length === 0) return { ...forecast, status: 'no_shelters' };
  if (reporting.length === 0) return { ...forecast, status: 'no_occupancy' };
  if (forecast.remainingCapacity === 0) {
    return { ...forecast, status: 'full', hoursToFull: 0, hoursToFullLow: 0, hoursToFullHigh: 0 };
  }
  // Onward arrivals are expected whatever the own checkpoints' rate: they are added to every end of the band.
  const own = inflow ?? (onwardPerHour > 0 ? { perHour: 0, lowPerHour: 0, highPerHour: 0 } : null);
  if (!own) return { ...forecast, status: 'thin_data' };
  const seeking = (perHour: number) => (perHour + onwardPerHour) * shelterShare;
  if (seeking(own.perHour) <= 0) return { ...forecast, status: 'no_inflow' };

  const hoursAt = (perHour: number) => forecast.remainingCapacity / seeking(perHour);
  return {
    ...forecast,
    hoursToFull: Math.round(hoursAt(own.perHour)),
    hoursToFullLow: Math.round(hoursAt(own.highPerHour)),
    hoursToFullHigh: seeking(own.lowPerHour) > 0 ? Math.round(hoursAt(own.lowPerHour)) : null,
  };
}

/** The onward expectation covers this many hours (EXPECTED_HOURS in shared/onward.ts). */
const EXPECTED_ONWARD_HOURS = 24;

/**
 * The forecast of every governorate in `pcodes`, from the projection's site logs: arrivals of its
 * checkpoints, capacity and latest occupancy of its shelters with a capacity, the occupancy only of
 * those in `currentShelters` (the rollup's rule). A governorate's own shelter share, where a
 * coordinator set one, replaces the general one.
 */
export function forecastGovernorates(
  pcodes: readonly string[],
  sites: readonly Site[],
  logs: ReadonlyMap<string, SiteLog>,
  currentShelters: ReadonlySet<string>,
  nowMs: number,
  settings: Pick<CapacityExhaustionSettings, 'shelterShare' | 'smoothingHours' | 'shelterSharePerGovernorate'>,
  onward?: ReadonlyMap<string, Pick<OnwardFigures, 'expected24h'>>,
): Map<string, CapacityForecast> {
  const buckets = new Map<string, Buckets>(pcodes.map((p) => [p, emptyBuckets()]));
  const shelters = new Map<string, ShelterFigures[]>(pcodes.map((p) => [p, []]));
  for (const site of sites) {
    const log = logs.get(site.id);
    const governorateBuckets = buckets.get(site.governorate);
    if (site.kind === 'checkpoint' && log && governorateBuckets) addToBuckets(governorateBuckets, log.arrivals, nowMs);
    // a closed shelter offers no places: its capacity leaves the forecast as it leaves the rollup
    if (site.kind === 'shelter' && site.capacity && !isClosedAt(site, nowMs)) {
      const occupancy = currentShelters.has(site.id) ? (log?.occupancy?.value ?? null) : null;
      shelters.get(site.governorate)?.push({ capacity: site.capacity, occupancy });
    }
  }
  const forecasts = new Map<string, CapacityForecast>();
  for (const pcode of pcodes) {
    const shelterShare = ownEntry(settings.shelterSharePerGovernorate, pcode) ?? settings.shelterShare;
    forecasts.set(
      pcode,
      forecastCapacity({
        arrivals: finishBuckets(buckets.get(pcode)!),
        shelters: shelters.get(pcode)!,
        settings: { shelterShare, smoothingHours: settings.smoothingHours },
        onwardExpected24h: onward?.get(pcode)?.expected24h ?? 0,
      }),
    );
  }
  return forecasts;
}
