// Numbers derived from the store's state, computed on demand (never stored). Pure: time is an argument.
import { influxThreshold as sharedInfluxThreshold, surgeThreshold as sharedSurgeThreshold, worstSeverity } from '../../shared/bands.ts';
import type { Alert, CapacityForecast, GovernorateRollup, Site, SiteKind, SiteState, Thresholds } from '../../shared/schemas.ts';
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

/** A shelter at or above its warning line, as its open shelter_capacity alert says. */
export interface ShelterOverLine {
  alert: Alert;
  site: Site | undefined;
  /** occupancy ÷ capacity: the alert's value (persons) over the site's capacity; null without a capacity */
  ratio: number | null;
}

/**
 * Every shelter at or above its warning line, fullest first. The open shelter_capacity alerts decide
 * which shelters and how grave (the server's rule, shared/bands.ts): nothing here compares a ratio
 * with a threshold, so this list can never disagree with the alert list or the map.
 */
export function sheltersOverLine(alerts: Iterable<Alert>, sites: Record<string, Site>): ShelterOverLine[] {
  const out: ShelterOverLine[] = [];
  for (const alert of alerts) {
    if (alert.rule !== 'shelter_capacity' || alert.state === 'resolved' || !alert.siteId) continue;
    const site = Object.hasOwn(sites, alert.siteId) ? sites[alert.siteId] : undefined;
    out.push({ alert, site, ratio: site?.capacity ? alert.value / site.capacity : null });
  }
  return out.sort(
    (a, b) =>
      (b.ratio ?? -1) - (a.ratio ?? -1) ||
      SEVERITY_RANK[b.alert.severity] - SEVERITY_RANK[a.alert.severity] ||
      (a.alert.siteId ?? '').localeCompare(b.alert.siteId ?? ''),
  );
}

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

/**
 * The governorates a list of capacity forecasts names, most pressing first. First every one whose
 * shelters are full now, whatever its inflow data (a full camp is full even when arrivals are too
 * thin to project), those with arrivals continuing ahead; then every one projected to fill within
 * `horizonHours` or with an open capacity_exhaustion alert, soonest first. So the list never leaves
 * out a governorate that an alert speaks of.
 */
export function forecastsToList(
  rollups: Iterable<GovernorateRollup>,
  alerts: Iterable<Alert>,
  horizonHours: number,
): { pcode: string; forecast: CapacityForecast }[] {
  const alerted = new Set<string>();
  for (const a of alerts) if (a.rule === 'capacity_exhaustion' && a.state !== 'resolved') alerted.add(a.governorate);
  const full: { pcode: string; forecast: CapacityForecast }[] = [];
  const filling: { pcode: string; forecast: CapacityForecast }[] = [];
  for (const { pcode, forecast: f } of rollups) {
    if (!f) continue;
    if (f.status === 'full') full.push({ pcode, forecast: f });
    else if (alerted.has(pcode) || (f.hoursToFull !== null && !!f.inflowPerHour && f.hoursToFull <= horizonHours)) filling.push({ pcode, forecast: f });
  }
  full.sort((a, b) => (b.forecast.inflowPerHour ?? 0) - (a.forecast.inflowPerHour ?? 0) || a.pcode.localeCompare(b.pcode));
  filling.sort(
    (a, b) => (a.forecast.hoursToFull ?? Infinity) - (b.forecast.hoursToFull ?? Infinity) || a.pcode.localeCompare(b.pcode),
  );
  return [...full, ...filling];
}
