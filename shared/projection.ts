// The picture on every screen, as a projection of the report log. Pure: time is an argument.
import {
  FUTURE_TOLERANCE_MS,
  type GovernorateRollup,
  type HealthStatus,
  type Pcode,
  type Rollup,
  type Site,
  type SiteState,
  type StoredReport,
} from './schemas.ts';
import { HOUR_MS, isoSeconds } from './time.ts';
import { forecastGovernorates, type CapacityExhaustionSettings } from './forecast.ts';

export const WINDOW_1H_MS = HOUR_MS;
export const WINDOW_24H_MS = 24 * HOUR_MS;

/** The newest value of a kind at one site; `order` breaks ties between equal `observedAt`. */
interface Latest<T> {
  atMs: number;
  order: string;
  value: T;
}

/**
 * What the projection remembers of one site: enough to answer every window, nothing more.
 * Arrivals older than the 24 h window are pruned, so memory stays bounded by recent traffic.
 */
export interface SiteLog {
  lastObservedMs: number | null;
  arrivals: { atMs: number; arrivals: number }[];
  occupancy: Latest<number> | null;
  status: Latest<HealthStatus> | null;
}

export function emptySiteLog(): SiteLog {
  return { lastObservedMs: null, arrivals: [], occupancy: null, status: null };
}

/**
 * Reports with the same `observedAt` are ordered by when the server stored them, then by id, so
 * that every instance that replays the same log picks the same "latest" report.
 */
function tieBreak(report: StoredReport): string {
  return `${report.receivedAt}|${report.id}`;
}

function newer<T>(current: Latest<T> | null, atMs: number, order: string): boolean {
  return current === null || atMs > current.atMs || (atMs === current.atMs && order > current.order);
}

/**
 * Folds one report into a site's log, in place (the projection replays a million reports on start,
 * so copying per report would dominate). Order of arrival does not matter: a late report lands in
 * the hour it describes.
 */
export function addReportToLog(log: SiteLog, report: StoredReport): void {
  const atMs = Date.parse(report.observedAt);
  if (log.lastObservedMs === null || atMs > log.lastObservedMs) log.lastObservedMs = atMs;
  const order = tieBreak(report);
  switch (report.kind) {
    case 'arrivals':
      log.arrivals.push({ atMs, arrivals: report.arrivals });
      break;
    case 'occupancy':
      if (newer(log.occupancy, atMs, order)) log.occupancy = { atMs, order, value: report.occupancy };
      break;
    case 'health':
      if (newer(log.status, atMs, order)) log.status = { atMs, order, value: report.status };
      break;
  }
}

/** Drops arrivals that can no longer fall in any window at `nowMs` or later. */
export function pruneSiteLog(log: SiteLog, nowMs: number): void {
  const oldest = nowMs - WINDOW_24H_MS;
  if (log.arrivals.some((a) => a.atMs <= oldest)) {
    log.arrivals = log.arrivals.filter((a) => a.atMs > oldest);
  }
}

/**
 * Sum of arrivals observed in the window ending now: (now − window, now + tolerance]. A report
 * exactly one window old has left it; a report stamped a little ahead (a phone clock running fast,
 * accepted up to FUTURE_TOLERANCE_MS) counts at once rather than vanishing until its time comes.
 */
export function arrivalsInWindow(log: SiteLog, nowMs: number, windowMs: number): number {
  let sum = 0;
  for (const a of log.arrivals) {
    if (a.atMs > nowMs - windowMs && a.atMs <= nowMs + FUTURE_TOLERANCE_MS) sum += a.arrivals;
  }
  return sum;
}

/** The snapshot's view of one site at `nowMs`: only the fields of its kind. */
export function siteState(site: Site, log: SiteLog | undefined, nowMs: number): SiteState {
  const lastReportAt = log?.lastObservedMs != null ? isoSeconds(log.lastObservedMs) : null;
  const state: SiteState = { id: site.id, lastReportAt };
  if (site.kind === 'checkpoint') {
    state.arrivals1h = log ? arrivalsInWindow(log, nowMs, WINDOW_1H_MS) : 0;
    state.arrivals24h = log ? arrivalsInWindow(log, nowMs, WINDOW_24H_MS) : 0;
  } else if (site.kind === 'shelter') {
    if (log?.occupancy) state.occupancy = log.occupancy.value;
  } else if (log?.status) {
    state.status = log.status.value;
  }
  return state;
}

export function emptyRollup(): Rollup {
  return {
    arrivals1h: 0,
    arrivals24h: 0,
    occupancy: 0,
    capacity: 0,
    healthPosts: { operational: 0, limited: 0, closed: 0, unknown: 0 },
  };
}

/** Adds one site to a rollup, in place. Capacity counts every shelter, reporting or not. */
function addToRollup(rollup: Rollup, site: Site, state: SiteState): void {
  rollup.arrivals1h += state.arrivals1h ?? 0;
  rollup.arrivals24h += state.arrivals24h ?? 0;
  if (site.kind === 'shelter') {
    rollup.occupancy += state.occupancy ?? 0;
    rollup.capacity += site.capacity ?? 0;
  }
  if (site.kind === 'health_post') rollup.healthPosts[state.status ?? 'unknown'] += 1;
}

export interface Picture {
  national: Rollup;
  governorates: GovernorateRollup[];
  sites: SiteState[];
}

/**
 * The whole picture at `nowMs`. Every governorate in `pcodes` appears, with zeros where nothing
 * reported, so a screen never has to guess whether a missing row means "none" or "unknown".
 * `openAlertsByGovernorate` counts active and acknowledged alerts.
 */
export function computePicture(
  pcodes: readonly Pcode[],
  sites: readonly Site[],
  logs: ReadonlyMap<string, SiteLog>,
  openAlertsByGovernorate: ReadonlyMap<string, number>,
  nowMs: number,
  forecastSettings?: CapacityExhaustionSettings,
): Picture {
  const national = emptyRollup();
  const byGovernorate = new Map<string, GovernorateRollup>();
  for (const pcode of pcodes) {
    byGovernorate.set(pcode, { pcode, ...emptyRollup(), activeAlerts: openAlertsByGovernorate.get(pcode) ?? 0 });
  }
  const states: SiteState[] = [];
  for (const site of sites) {
    const state = siteState(site, logs.get(site.id), nowMs);
    states.push(state);
    addToRollup(national, site, state);
    const governorate = byGovernorate.get(site.governorate);
    if (governorate) addToRollup(governorate, site, state);
  }
  // With settings, each governorate carries its capacity forecast (issue 9, docs/forecast.md).
  if (forecastSettings) {
    for (const [pcode, forecast] of forecastGovernorates(pcodes, sites, logs, nowMs, forecastSettings)) {
      const governorate = byGovernorate.get(pcode);
      if (governorate) governorate.forecast = forecast;
    }
  }
  return { national, governorates: [...byGovernorate.values()], sites: states };
}

/**
 * The same picture with new open-alert counts: raising or resolving an alert changes only
 * `activeAlerts`, so there is no need to project every site again.
 */
export function withOpenAlertCounts(picture: Picture, openAlertsByGovernorate: ReadonlyMap<string, number>): Picture {
  return {
    ...picture,
    governorates: picture.governorates.map((g) => {
      const activeAlerts = openAlertsByGovernorate.get(g.pcode) ?? 0;
      return g.activeAlerts === activeAlerts ? g : { ...g, activeAlerts };
    }),
  };
}

/** Equality of two plain JSON values, for change detection between pictures. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface PictureChange {
  national: boolean;
  governorates: GovernorateRollup[];
  sites: SiteState[];
}

/** What differs between two pictures: the changed rollups and sites, for an `update`. */
export function diffPictures(previous: Picture | null, next: Picture): PictureChange {
  const before = new Map<string, string>();
  for (const g of previous?.governorates ?? []) before.set(`g:${g.pcode}`, JSON.stringify(g));
  for (const s of previous?.sites ?? []) before.set(`s:${s.id}`, JSON.stringify(s));
  return {
    national: !previous || !sameJson(previous.national, next.national),
    governorates: next.governorates.filter((g) => before.get(`g:${g.pcode}`) !== JSON.stringify(g)),
    sites: next.sites.filter((s) => before.get(`s:${s.id}`) !== JSON.stringify(s)),
  };
}
