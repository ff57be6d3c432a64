// The picture on every screen, as a projection of the report log. Pure: time is an argument.
import { isSilent } from './bands.ts';
import { DEFAULT_CAPACITY_EXHAUSTION, forecastGovernorates } from './forecast.ts';
import { DEFAULT_ONWARD_INFLUX, onwardGovernorates } from './onward.ts';
import { isClosedAt, type GovernorateRollup, type Pcode, type Rollup, type Site, type SiteState, type Thresholds } from './schemas.ts';
import { arrivalsBetween, arrivalsInWindow, WINDOW_1H_MS, WINDOW_24H_MS, type SiteLog } from './siteLog.ts';
import { isoSeconds } from './time.ts';

/** The snapshot's view of one site at `nowMs`: only the fields of its kind. */
export function siteState(site: Site, log: SiteLog | undefined, nowMs: number): SiteState {
  const lastReportAt = log?.lastObservedMs != null ? isoSeconds(log.lastObservedMs) : null;
  const state: SiteState = { id: site.id, lastReportAt };
  if (site.kind === 'checkpoint') {
    state.arrivals1h = log ? arrivalsInWindow(log, nowMs, WINDOW_1H_MS) : 0;
    state.arrivals24h = log ? arrivalsInWindow(log, nowMs, WINDOW_24H_MS) : 0;
    // the hour before, so that a screen can say whether arrivals are speeding up
    state.arrivalsPrev1h = log ? arrivalsBetween(log, nowMs - 2 * WINDOW_1H_MS, nowMs - WINDOW_1H_MS) : 0;
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
    occupancyRatio: null,
    shelters: 0,
    sheltersReporting: 0,
    capacityUnknown: 0,
    healthPosts: { operational: 0, limited: 0, closed: 0, unknown: 0 },
  };
}

/**
 * Whether a shelter's occupancy is current at `nowMs`: it has reported, and not longer ago than its
 * silence window. Only current shelters count towards occupancy: dividing by the capacity of
 * shelters that never reported would make a governorate whose reporting camps are full look half
 * empty. The capacity forecast counts the same shelters.
 */
export function isCurrentShelter(site: Site, log: SiteLog | undefined, thresholds: Thresholds, nowMs: number): boolean {
  const lastMs = log?.occupancy?.atMs ?? null;
  return lastMs !== null && !isSilent(site, lastMs, thresholds, nowMs);
}

function addArrivals(rollup: Rollup, state: SiteState): void {
  rollup.arrivals1h += state.arrivals1h ?? 0;
  rollup.arrivals24h += state.arrivals24h ?? 0;
}

/** Adds one site to a rollup, in place; `current` says whether a shelter's occupancy counts. */
function addToRollup(rollup: Rollup, site: Site, state: SiteState, current: boolean): void {
  addArrivals(rollup, state);
  if (site.kind === 'shelter') {
    rollup.shelters += 1;
    if (current) {
      rollup.sheltersReporting += 1;
      rollup.occupancy += state.occupancy ?? 0;
      rollup.capacity += site.capacity ?? 0;
    } else {
      rollup.capacityUnknown += site.capacity ?? 0;
    }
  }
  if (site.kind === 'health_post') rollup.healthPosts[state.status ?? 'unknown'] += 1;
}

function finishRollup<R extends Rollup>(rollup: R): R {
  rollup.occupancyRatio = rollup.capacity > 0 ? rollup.occupancy / rollup.capacity : null;
  return rollup;
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
  thresholds: Thresholds,
): Picture {
  const national = emptyRollup();
  const byGovernorate = new Map<string, GovernorateRollup>();
  for (const pcode of pcodes) {
    byGovernorate.set(pcode, { pcode, ...emptyRollup(), activeAlerts: openAlertsByGovernorate.get(pcode) ?? 0 });
  }
  const states: SiteState[] = [];
  const current = new Set<string>();
  for (const site of sites) {
    const log = logs.get(site.id);
    const state = siteState(site, log, nowMs);
    const governorate = byGovernorate.get(site.governorate);
    // A site closed by then is not on the picture: no state, no shelter place or health post counted.
    // The arrivals it saw before closing did happen, so they stay in the flows until they age out.
    if (isClosedAt(site, nowMs)) {
      addArrivals(national, state);
      if (governorate) addArrivals(governorate, state);
      continue;
    }
    const isCurrent = site.kind === 'shelter' && isCurrentShelter(site, log, thresholds, nowMs);
    if (isCurrent) current.add(site.id);
    states.push(state);
    addToRollup(national, site, state, isCurrent);
    if (governorate) addToRollup(governorate, site, state, isCurrent);
  }
  finishRollup(national);
  for (const governorate of byGovernorate.values()) finishRollup(governorate);
  // Each governorate carries its onward movement: who is heading there from checkpoints elsewhere.
  // Recomputed with the picture: it reads only the last 24 h of reports that name destinations.
  const onward = onwardGovernorates(pcodes, sites, logs, nowMs, thresholds.onwardInflux ?? DEFAULT_ONWARD_INFLUX);
  for (const [pcode, figures] of onward) {
    const governorate = byGovernorate.get(pcode);
    if (governorate) governorate.onward = figures;
  }
  // Each governorate carries its capacity forecast (docs/forecast.md), from the same current shelters,
  // its inflow raised by the onward arrivals expected.
  const settings = thresholds.capacityExhaustion ?? DEFAULT_CAPACITY_EXHAUSTION;
  for (const [pcode, forecast] of forecastGovernorates(pcodes, sites, logs, current, nowMs, settings, onward)) {
    const governorate = byGovernorate.get(pcode);
    if (governorate) governorate.forecast = forecast;
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
  for (const g of previous?.governorates ?? []) before.set(`g:${g.pcode}`, rowJson(g));
  for (const s of previous?.sites ?? []) before.set(`s:${s.id}`, rowJson(s));
  return {
    national: !previous || !sameJson(previous.national, next.national),
    governorates: next.governorates.filter((g) => before.get(`g:${g.pcode}`) !== rowJson(g)),
    sites: next.sites.filter((s) => before.get(`s:${s.id}`) !== rowJson(s)),
  };
}

/**
 * A picture's row as JSON, worked out once per row: each diff compares the new picture with the
 * last, so without this every row of the last was encoded a second time (half of the diff's cost,
 * which was half of the server's projection per post). Rows are never changed once built:
 * `withOpenAlertCounts` copies the rows it changes and keeps the others.
 */
const encodedRows = new WeakMap<object, string>();
function rowJson(row: GovernorateRollup | SiteState): string {
  let json = encodedRows.get(row);
  if (json === undefined) encodedRows.set(row, (json = JSON.stringify(row)));
  return json;
}
