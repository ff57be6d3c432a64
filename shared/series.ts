// Hourly series for charts, from the reports of one governorate's sites. Pure: the range is an argument.
import type { SeriesPoint, Site, StoredReport } from './schemas.ts';
import { HOUR_MS, hourStart, isoSeconds } from './time.ts';

/**
 * Buckets for the `hours` whole UTC hours that end with the hour containing `nowMs`.
 * `arrivals` sums the arrivals observed in each hour. `occupancy` is the sum, over the shelters,
 * of each one's latest occupancy observed before the hour's end (carried forward, so a shelter
 * that reported at 09:10 still counts at 14:00); `reports` must therefore include each shelter's
 * latest occupancy report before the range as well as those in it. `capacity` is the capacity of
 * the shelters that exist now: the registry keeps no history of capacity.
 */
export function hourlySeries(
  sites: readonly Site[],
  reports: readonly StoredReport[],
  nowMs: number,
  hours: number,
): SeriesPoint[] {
  const lastHour = hourStart(nowMs);
  const firstHour = lastHour - (hours - 1) * HOUR_MS;
  const shelters = sites.filter((s) => s.kind === 'shelter');
  const capacity = shelters.reduce((sum, s) => sum + (s.capacity ?? 0), 0);
  const shelterIds = new Set(shelters.map((s) => s.id));

  const arrivals = new Array<number>(hours).fill(0);
  const occupancyReports: { atMs: number; order: string; siteId: string; value: number }[] = [];
  for (const r of reports) {
    const atMs = Date.parse(r.observedAt);
    if (r.kind === 'arrivals') {
      const index = Math.floor((atMs - firstHour) / HOUR_MS);
      if (index >= 0 && index < hours) arrivals[index] += r.arrivals;
    } else if (r.kind === 'occupancy' && shelterIds.has(r.siteId)) {
      occupancyReports.push({ atMs, order: `${r.receivedAt}|${r.id}`, siteId: r.siteId, value: r.occupancy });
    }
  }
  occupancyReports.sort((a, b) => a.atMs - b.atMs || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));

  const latestBySite = new Map<string, number>();
  let total = 0;
  let next = 0;
  const points: SeriesPoint[] = [];
  for (let i = 0; i < hours; i++) {
    const hour = firstHour + i * HOUR_MS;
    while (next < occupancyReports.length && occupancyReports[next].atMs < hour + HOUR_MS) {
      const r = occupancyReports[next++];
      total += r.value - (latestBySite.get(r.siteId) ?? 0);
      latestBySite.set(r.siteId, r.value);
    }
    points.push({ hour: isoSeconds(hour), arrivals: arrivals[i], occupancy: total, capacity });
  }
  return points;
}
