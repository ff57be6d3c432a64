// Onward movement: persons who crossed at a checkpoint in one governorate and said they are heading
// to another, and when the destination can expect them. Pure: time is an argument.
// The method, the travel-time table and the limits of intentions as a predictor: docs/forecast.md.
import { DEFAULT_ONWARD_PERSONS_24H, ownEntry } from './bands.ts';
import { FUTURE_TOLERANCE_MS, type OnwardFigures, type OnwardOrigin, type Pcode, type Site, type Thresholds } from './schemas.ts';
import type { SiteLog } from './siteLog.ts';
import { HOUR_MS as HOUR_MS_IMPORTED } from './time.ts';

// Local copies of imported constants: these loops run once per report of the last day at every
// refresh, and under tsx an imported binding is a getter call (measured: a third of the time).
const HOUR_MS = HOUR_MS_IMPORTED;
const TOLERANCE_MS = FUTURE_TOLERANCE_MS;

export type OnwardSettings = NonNullable<Thresholds['onwardInflux']>;

/**
 * Used when the stored thresholds predate the rule. The line is the one in fixtures/thresholds.json;
 * without a travel table every pair takes FALLBACK_TRAVEL_HOURS.
 */
export const DEFAULT_ONWARD_INFLUX: OnwardSettings = { persons24h: DEFAULT_ONWARD_PERSONS_24H, perGovernorate: {}, travelHours: {} };

/**
 * The travel time of a pair the table does not name (a table edited down, or thresholds stored
 * before the table): about the median of the default table, so a missing pair is neither "at once"
 * nor "never".
 */
export const FALLBACK_TRAVEL_HOURS = 8;

/**
 * Arrivals are spread evenly over the travel time ± this share of it: a family leaves a crossing
 * hours after registering or rests on the way, a bus goes straight through. A uniform spread keeps
 * the arithmetic exact (an overlap of intervals) and makes no claim of a shape nobody measured.
 */
export const SPREAD_SHARE = 0.5;
/** …but never narrower than this either side, so a short trip is not read as a single instant. */
export const MIN_SPREAD_HOURS = 1;

/** How far ahead the expectation looks: the onward_influx rule and the forecast use the same 24 h. */
export const EXPECTED_HOURS = 24;
/** The recent part of the heading counts: what changed in the last shift. */
export const RECENT_WINDOW_MS = 6 * HOUR_MS;
/** Reports this old have left every window: the projection keeps exactly this much (WINDOW_24H_MS). */
export const HEADING_WINDOW_MS = 24 * HOUR_MS;

/** The key of an origin-destination pair in `travelHours`. */
export function travelPair(origin: string, destination: string): string {
  return `${origin}>${destination}`;
}

/** The typical hours from a checkpoint in `origin` to `destination`: the table's, else the fallback. */
export function travelHoursFor(origin: string, destination: string, settings: Pick<OnwardSettings, 'travelHours'>): number {
  return ownEntry(settings.travelHours, travelPair(origin, destination)) ?? FALLBACK_TRAVEL_HOURS;
}

/** When persons observed at `observedMs` arrive, as an interval [start, end) of instants they spread evenly over. */
export function arrivalWindow(observedMs: number, travelHours: number): { startMs: number; endMs: number } {
  const half = Math.max(travelHours * SPREAD_SHARE, MIN_SPREAD_HOURS);
  // a trip shorter than its spread starts at the crossing, not before the report
  const start = Math.max(0, travelHours - half);
  return { startMs: observedMs + start * HOUR_MS, endMs: observedMs + (travelHours + half) * HOUR_MS };
}

/** The share of persons spread evenly over `window` who arrive in (fromMs, toMs]. */
export function shareArriving(window: { startMs: number; endMs: number }, fromMs: number, toMs: number): number {
  const overlap = Math.min(window.endMs, toMs) - Math.max(window.startMs, fromMs);
  return overlap > 0 ? overlap / (window.endMs - window.startMs) : 0;
}

/** One arrivals report's persons heading to one destination. */
export interface OnwardEvent {
  /** the checkpoint's governorate */
  origin: string;
  destination: string;
  observedMs: number;
  persons: number;
}

/**
 * The onward events of the reports in the last 24 h (as arrivalsInWindow counts them): every
 * destination that is a governorate other than the checkpoint's own. `unknown` heads nowhere known,
 * and a destination in the checkpoint's own governorate is already counted there by its checkpoints.
 */
export function onwardEvents(sites: readonly Site[], logs: ReadonlyMap<string, SiteLog>, nowMs: number): OnwardEvent[] {
  const events: OnwardEvent[] = [];
  for (const site of sites) {
    if (site.kind !== 'checkpoint') continue;
    const log = logs.get(site.id);
    if (!log) continue;
    for (const a of log.arrivals) {
      if (!a.destinations || !inWindow(a.atMs, nowMs, HEADING_WINDOW_MS)) continue;
      for (const d of a.destinations) {
        if (d.to === 'unknown' || d.to === site.governorate || d.persons === 0) continue;
        events.push({ origin: site.governorate, destination: d.to, observedMs: a.atMs, persons: d.persons });
      }
    }
  }
  return events;
}

function inWindow(atMs: number, nowMs: number, windowMs: number): boolean {
  return atMs > nowMs - windowMs && atMs <= nowMs + TOLERANCE_MS;
}

/** A governorate with nobody heading to it. */
export function emptyOnward(): OnwardFigures {
  return { heading24h: 0, heading6h: 0, expected24h: 0, expectedByHour: new Array<number>(EXPECTED_HOURS).fill(0), byOrigin: [] };
}

/**
 * The onward figures of every governorate in `pcodes` from onward events at `nowMs`: persons heading
 * there in the last 24 h and 6 h, and those expected in each of the next 24 hours, each event spread
 * over its arrival window. Counts are rounded once, at the end; the hours are rounded each, so they
 * may sum to a person or two more or less than `expected24h`.
 */
export function onwardFromEvents(
  pcodes: readonly Pcode[],
  events: readonly OnwardEvent[],
  nowMs: number,
  settings: Pick<OnwardSettings, 'travelHours'>,
): Map<Pcode, OnwardFigures> {
  interface Sums {
    heading24h: number;
    heading6h: number;
    expected: number;
    byHour: number[];
    origins: Map<string, { heading24h: number; heading6h: number; expected: number }>;
  }
  const sums = new Map<string, Sums>(
    pcodes.map((p) => [p, { heading24h: 0, heading6h: 0, expected: 0, byHour: new Array<number>(EXPECTED_HOURS).fill(0), origins: new Map() }]),
  );
  // one lookup per pair, not per report: a day of a mass crossing is tens of thousands of events
  const hoursOf = new Map<string, number>();
  for (const e of events) {
    const s = sums.get(e.destination);
    if (!s) continue;
    const pair = travelPair(e.origin, e.destination);
    let hours = hoursOf.get(pair);
    if (hours === undefined) hoursOf.set(pair, (hours = travelHoursFor(e.origin, e.destination, settings)));
    const window = arrivalWindow(e.observedMs, hours);
    const recent = inWindow(e.observedMs, nowMs, RECENT_WINDOW_MS) ? e.persons : 0;
    let expected = 0;
    // Only the hours the window overlaps: most reports of the last day have arrived already, and a
    // window spans a few hours, so this is a handful of steps per report rather than 24 (measured:
    // 30,000 reports with destinations went from 1 s to milliseconds a picture). The other hours add
    // nothing, so the sums are the same, in the same order.
    const first = Math.max(0, Math.floor((window.startMs - nowMs) / HOUR_MS));
    const last = Math.min(EXPECTED_HOURS - 1, Math.floor((window.endMs - nowMs) / HOUR_MS));
    for (let k = first; k <= last; k++) {
      const inHour = e.persons * shareArriving(window, nowMs + k * HOUR_MS, nowMs + (k + 1) * HOUR_MS);
      s.byHour[k]! += inHour;
      expected += inHour;
    }
    s.heading24h += e.persons;
    s.heading6h += recent;
    s.expected += expected;
    const o = s.origins.get(e.origin) ?? { heading24h: 0, heading6h: 0, expected: 0 };
    o.heading24h += e.persons;
    o.heading6h += recent;
    o.expected += expected;
    s.origins.set(e.origin, o);
  }
  const figures = new Map<Pcode, OnwardFigures>();
  for (const [pcode, s] of sums) {
    const byOrigin: OnwardOrigin[] = [...s.origins]
      .map(([origin, o]) => ({
        origin,
        heading24h: o.heading24h,
        heading6h: o.heading6h,
        expected24h: Math.round(o.expected),
        travelHours: travelHoursFor(origin, pcode, settings),
      }))
      // most expected first, then most heading, then by p-code: every instance lists them alike
      .sort((a, b) => b.expected24h - a.expected24h || b.heading24h - a.heading24h || (a.origin < b.origin ? -1 : 1));
    figures.set(pcode, {
      heading24h: s.heading24h,
      heading6h: s.heading6h,
      expected24h: Math.round(s.expected),
      expectedByHour: s.byHour.map((n) => Math.round(n)),
      byOrigin,
    });
  }
  return figures;
}

/** The onward figures of every governorate, from the projection's site logs. */
export function onwardGovernorates(
  pcodes: readonly Pcode[],
  sites: readonly Site[],
  logs: ReadonlyMap<string, SiteLog>,
  nowMs: number,
  settings: Pick<OnwardSettings, 'travelHours'>,
): Map<Pcode, OnwardFigures> {
  return onwardFromEvents(pcodes, onwardEvents(sites, logs, nowMs), nowMs, settings);
}

/**
 * The alert's value: the persons expected, to two significant figures. The expectation falls as the
 * hours pass and people arrive, so the exact figure moves with every tick; rounded, an alert changes
 * a few times an hour rather than every 30 seconds, and says "about" honestly.
 */
export function roundedExpected(persons: number): number {
  if (persons < 100) return persons;
  const step = 10 ** (Math.floor(Math.log10(persons)) - 1);
  return Math.round(persons / step) * step;
}

// ---- The default travel-time table (fixtures/travel-times.json, built by fixtures/build.ts) ------

/** Mean radius of the Earth in km (IUGG). */
const EARTH_RADIUS_KM = 6371.0088;
/**
 * Roads are longer than the straight line: 1.3 is the usual circuity of national road networks
 * (Ballou, Rahardja and Sakai 2002 measured 1.2 to 1.4; Iraq's roads between governorate centres run
 * along rivers and round the mountains of the north, so the middle of that range).
 */
export const ROAD_FACTOR = 1.3;
/**
 * Door-to-door speed of displaced families on the road, in km/h: buses, lorries and cars at 80 to
 * 100 km/h on open road, slowed by checkpoints between governorates (and into the Kurdistan Region),
 * stops and waiting for transport, so about half of it.
 */
export const ROAD_SPEED_KMH = 50;
/** No trip between governorates is shorter than this, however close their centres. */
export const MIN_TRAVEL_HOURS = 1;

/** Great-circle distance between two points in km (haversine). */
export function greatCircleKm(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface TravelTimeRow {
  from: Pcode;
  to: Pcode;
  greatCircleKm: number;
  roadKm: number;
  hours: number;
}

/**
 * The default table: for every ordered pair of governorates, the great-circle distance between
 * their label points, times ROAD_FACTOR, at ROAD_SPEED_KMH, rounded to the half hour, at least
 * MIN_TRAVEL_HOURS. Symmetric: a road is as long both ways.
 */
export function defaultTravelTable(points: readonly { pcode: Pcode; lon: number; lat: number }[]): TravelTimeRow[] {
  const rows: TravelTimeRow[] = [];
  for (const from of points) {
    for (const to of points) {
      if (from.pcode === to.pcode) continue;
      const km = greatCircleKm(from, to);
      const roadKm = km * ROAD_FACTOR;
      const hours = Math.max(MIN_TRAVEL_HOURS, Math.round((roadKm / ROAD_SPEED_KMH) * 2) / 2);
      rows.push({ from: from.pcode, to: to.pcode, greatCircleKm: Math.round(km), roadKm: Math.round(roadKm), hours });
    }
  }
  return rows;
}
