// Numbers derived from the store's state, computed on demand (never stored). Pure: time is an argument.
import { influxThreshold as sharedInfluxThreshold, surgeThreshold as sharedSurgeThreshold, worstSeverity } from '../../shared/bands.ts';
import type { Alert, GovernorateRollup, Site, SiteKind, SiteState, Thresholds } from '../../shared/schemas.ts';
import type { ChoroplethMetric } from './slices.ts';

/** What a site's marker shows: the worst of its conditions. */
export type SiteCondition = 'critical' | 'warning' | 'ok' | 'silent' | 'unknown';

export function influxThreshold(pcode: string, thresholds: Thresholds | null): number | null {
  return thresholds ? sharedInfluxThreshold(pcode, thresholds) : null;
}

export function surgeThreshold(siteId: string, thresholds: Thresholds | null): number | null {
  return thresholds ? sharedSurgeThreshold(siteId, thresholds) : null;
}

/** Open alerts by the site they are about. */
export function alertsBySite(alerts: Iterable<Alert>): Map<string, Alert[]> {
  const bySite = new Map<string, Alert[]>();
  for (const alert of alerts) {
    if (!alert.siteId || alert.state === 'resolved') continue;
    const list = bySite.get(alert.siteId);
    if (list) list.push(alert);
    else bySite.set(alert.siteId, [alert]);
  }
  return bySite;
}

/**
 * A site's colour is the severity of its open alerts, so the map can never disagree with the alert
 * list: the server's rules (shared/bands.ts) decide both, and nothing here compares a threshold.
 * Silence comes first (the site's other numbers are stale); a site that never reported is unknown.
 */
export function siteCondition(state: SiteState | undefined, siteAlerts: readonly Alert[] = []): SiteCondition {
  if (!state || state.lastReportAt === null) return 'unknown';
  if (siteAlerts.some((a) => a.rule === 'site_silent' && a.state !== 'resolved')) return 'silent';
  return worstSeverity(siteAlerts) ?? 'ok';
}

/** The value a governorate takes on the choropleth for `metric`; null when it has none (no shelters). */
export function metricValue(rollup: GovernorateRollup | undefined, metric: ChoroplethMetric): number | null {
  if (!rollup) return null;
  if (metric === 'arrivals24h') return rollup.arrivals24h;
  if (metric === 'openAlerts') return rollup.activeAlerts;
  return rollup.occupancyRatio;
}

/**
 * How hard a governorate is pressed, for ranking: its 24 h arrivals against its influx threshold
 * and its shelters' occupancy against capacity (each 1 at the line), plus one per open alert so that
 * a governorate with alerts ranks above one merely close to a line.
 */
export function pressureOf(rollup: GovernorateRollup, thresholds: Thresholds | null): number {
  const influx = influxThreshold(rollup.pcode, thresholds);
  const arrivalsShare = influx ? rollup.arrivals24h / influx : 0;
  const occupancyShare = rollup.occupancyRatio ?? 0;
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
