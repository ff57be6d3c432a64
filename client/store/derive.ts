// Numbers derived from the store's state, computed on demand (never stored). Pure: time is an argument.
import type { Alert, GovernorateRollup, Site, SiteKind, SiteState, Thresholds } from '../../shared/schemas.ts';
import { silenceWindowHours } from '../../shared/alerts.ts';
import type { ChoroplethMetric } from './slices.ts';

const HOUR_MS = 3_600_000;

/** What a site's marker shows: the worst of its conditions. */
export type SiteCondition = 'critical' | 'warning' | 'ok' | 'silent' | 'unknown';

export function influxThreshold(pcode: string, thresholds: Thresholds | null): number | null {
  if (!thresholds) return null;
  return thresholds.governorateInflux.perGovernorate[pcode] ?? thresholds.governorateInflux.arrivals24h;
}

export function surgeThreshold(siteId: string, thresholds: Thresholds | null): number | null {
  if (!thresholds) return null;
  return thresholds.checkpointSurge.perSite[siteId] ?? thresholds.checkpointSurge.arrivals1h;
}

export function silentWindowHours(site: Site, thresholds: Thresholds | null): number | null {
  return thresholds ? silenceWindowHours(site, thresholds) : null;
}

/** Occupancy as a share of capacity, or null when there is no capacity to compare with. */
export function occupancyRatio(occupancy: number, capacity: number): number | null {
  return capacity > 0 ? occupancy / capacity : null;
}

/**
 * Colours a site as the alert rules would judge it, so the map agrees with the alert list:
 * silence first (its other numbers are stale), then surge, occupancy band or health status.
 */
export function siteCondition(site: Site, state: SiteState | undefined, thresholds: Thresholds | null, nowMs: number): SiteCondition {
  if (!state || state.lastReportAt === null) return 'unknown';
  const window = silentWindowHours(site, thresholds);
  if (window !== null && (nowMs - Date.parse(state.lastReportAt)) / HOUR_MS > window) return 'silent';
  if (site.kind === 'checkpoint') {
    const threshold = surgeThreshold(site.id, thresholds);
    const value = state.arrivals1h ?? 0;
    if (threshold === null) return 'ok';
    return value >= 2 * threshold ? 'critical' : value >= threshold ? 'warning' : 'ok';
  }
  if (site.kind === 'shelter') {
    if (state.occupancy === undefined || !site.capacity || !thresholds) return 'unknown';
    const ratio = state.occupancy / site.capacity;
    const { warningRatio, criticalRatio } = thresholds.shelterCapacity;
    return ratio >= criticalRatio ? 'critical' : ratio >= warningRatio ? 'warning' : 'ok';
  }
  if (state.status === undefined) return 'unknown';
  return state.status === 'closed' ? 'critical' : state.status === 'limited' ? 'warning' : 'ok';
}

/** The value a governorate takes on the choropleth for `metric`; null when it has none (no shelters). */
export function metricValue(rollup: GovernorateRollup | undefined, metric: ChoroplethMetric): number | null {
  if (!rollup) return null;
  if (metric === 'arrivals24h') return rollup.arrivals24h;
  if (metric === 'openAlerts') return rollup.activeAlerts;
  return occupancyRatio(rollup.occupancy, rollup.capacity);
}

/**
 * How hard a governorate is pressed, for ranking: its 24 h arrivals against its influx threshold
 * and its shelters' occupancy against capacity (each 1 at the line), plus one per open alert so that
 * a governorate with alerts ranks above one merely close to a line.
 */
export function pressureOf(rollup: GovernorateRollup, thresholds: Thresholds | null): number {
  const influx = influxThreshold(rollup.pcode, thresholds);
  const arrivalsShare = influx ? rollup.arrivals24h / influx : 0;
  const occupancyShare = occupancyRatio(rollup.occupancy, rollup.capacity) ?? 0;
  return rollup.activeAlerts + Math.max(arrivalsShare, occupancyShare);
}

export function rankByPressure(rollups: readonly GovernorateRollup[], thresholds: Thresholds | null): GovernorateRollup[] {
  return rollups
    .map((r) => ({ r, p: pressureOf(r, thresholds) }))
    .sort((a, b) => b.p - a.p || b.r.arrivals24h - a.r.arrivals24h || a.r.pcode.localeCompare(b.r.pcode))
    .map(({ r }) => r);
}

/** The latest report among `sites` (optionally of one kind): how old the numbers built from them are. */
export function latestReportAt(
  sites: Iterable<Site>,
  states: Record<string, SiteState>,
  filter: { kind?: SiteKind; governorate?: string } = {},
): string | null {
  let latest: string | null = null;
  let latestMs = -Infinity;
  for (const site of sites) {
    if (filter.kind && site.kind !== filter.kind) continue;
    if (filter.governorate && site.governorate !== filter.governorate) continue;
    const at = states[site.id]?.lastReportAt;
    if (!at) continue;
    const ms = Date.parse(at);
    if (ms > latestMs) {
      latestMs = ms;
      latest = at;
    }
  }
  return latest;
}

const SEVERITY_RANK = { critical: 2, warning: 1 } as const;

/** Open alerts, most urgent first: active before acknowledged, critical before warning, newest first. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      Number(a.state !== 'active') - Number(b.state !== 'active') ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.raisedAt.localeCompare(a.raisedAt) ||
      a.id.localeCompare(b.id),
  );
}

/** The governorates the wall rotates through: those with active alerts, most urgent first. */
export function wallRotation(alerts: readonly Alert[]): string[] {
  const order: string[] = [];
  for (const alert of sortAlerts(alerts.filter((a) => a.state === 'active'))) {
    if (!order.includes(alert.governorate)) order.push(alert.governorate);
  }
  return order;
}

/**
 * Keeps at most `max` points by combining runs of neighbours with `combine`: arrivals are counts per
 * hour, so a run is summed and the total kept; levels (occupancy, capacity) take the run's last value.
 */
export function downsample<T extends { hour: string }>(
  points: readonly T[],
  max: number,
  combine: (run: readonly T[]) => T,
): T[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += size) out.push(combine(points.slice(i, i + size)));
  return out;
}
