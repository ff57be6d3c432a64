// The checkpoints where people arrive fastest: ranked by arrivals in the last hour, with the change
// against the hour before. Pure; reads only what the snapshot carries (SiteState.arrivalsPrev1h).
import type { Site, SiteState } from './schemas.ts';

export interface FastestArrival {
  site: Site;
  /** arrivals observed in the last hour */
  lastHour: number;
  /** arrivals observed in the hour before it */
  previousHour: number;
  /** lastHour − previousHour: positive when arrivals are speeding up */
  change: number;
}

export interface FastestOptions {
  /** only this governorate's checkpoints */
  governorate?: string;
}

/**
 * Every checkpoint with arrivals in the last hour, most first; on a tie the one speeding up more,
 * then by id so that the order never flickers between two equal rows.
 */
export function fastestArrivals(
  sites: Readonly<Record<string, Site>>,
  states: Readonly<Record<string, SiteState>>,
  options: FastestOptions = {},
): FastestArrival[] {
  const rows: FastestArrival[] = [];
  for (const site of Object.values(sites)) {
    if (site.kind !== 'checkpoint') continue;
    if (options.governorate !== undefined && site.governorate !== options.governorate) continue;
    const state = Object.hasOwn(states, site.id) ? states[site.id] : undefined;
    const lastHour = state?.arrivals1h ?? 0;
    if (lastHour <= 0) continue;
    const previousHour = state?.arrivalsPrev1h ?? 0;
    rows.push({ site, lastHour, previousHour, change: lastHour - previousHour });
  }
  return rows.sort((a, b) => b.lastHour - a.lastHour || b.change - a.change || (a.site.id < b.site.id ? -1 : a.site.id > b.site.id ? 1 : 0));
}
