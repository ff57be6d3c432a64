// Every alert band, severity and escalation rule, defined once: the server's rules, both store
// adapters and the screens import these, so a colour on the map can never disagree with an alert.
import type { Alert, HealthStatus, Severity, Site, Thresholds } from './schemas.ts';
import { HOUR_MS } from './time.ts';

/** A severity and the line it was judged against. */
export interface Band {
  severity: Severity;
  threshold: number;
}

/** A record's own entry for `key`: never one inherited from Object.prototype (`constructor`, `__proto__`). */
export function ownEntry<V>(record: Readonly<Partial<Record<string, V>>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Warning at the threshold, critical at twice it (a surge that doubles past the line is a different emergency). */
export function doubledBand(value: number, threshold: number): Band | null {
  if (value >= 2 * threshold) return { severity: 'critical', threshold: 2 * threshold };
  if (value >= threshold) return { severity: 'warning', threshold };
  return null;
}

/** The arrivals in one hour at which a checkpoint surges: its own line, else the national one. */
export function surgeThreshold(siteId: string, thresholds: Thresholds): number {
  return ownEntry(thresholds.checkpointSurge.perSite, siteId) ?? thresholds.checkpointSurge.arrivals1h;
}

/** The arrivals in 24 hours at which a governorate is under influx. */
export function influxThreshold(pcode: string, thresholds: Thresholds): number {
  return ownEntry(thresholds.governorateInflux.perGovernorate, pcode) ?? thresholds.governorateInflux.arrivals24h;
}

/** The onward_influx line when the stored thresholds predate the rule: fixtures/thresholds.json's. */
export const DEFAULT_ONWARD_PERSONS_24H = 2000;

/** The persons expected in the next 24 h at which a governorate's onward_influx alert is raised. */
export function onwardThreshold(pcode: string, thresholds: Pick<Thresholds, 'onwardInflux'>): number {
  const settings = thresholds.onwardInflux;
  return ownEntry(settings?.perGovernorate, pcode) ?? settings?.persons24h ?? DEFAULT_ONWARD_PERSONS_24H;
}

/**
 * A ratio of capacity in persons: the least occupancy the band counts as at or over it, by the band's
 * own comparison. Math.ceil(ratio × capacity) alone is one too high where the product rounds up
 * (0.14 × 10,000 is 1,400.0000000000002, yet 1,400 / 10,000 ≥ 0.14): an alert would state a line
 * above an occupancy that raises it.
 */
function personsAtRatio(ratio: number, capacity: number): number {
  const persons = Math.ceil(ratio * capacity);
  if (persons > 0 && (persons - 1) / capacity >= ratio) return persons - 1;
  return persons / capacity >= ratio ? persons : persons + 1;
}

/** A shelter's band: occupancy against capacity, with the threshold in persons. */
export function shelterBand(occupancy: number, capacity: number, thresholds: Thresholds): Band | null {
  const ratio = occupancy / capacity;
  const { warningRatio, criticalRatio } = thresholds.shelterCapacity;
  if (ratio >= criticalRatio) return { severity: 'critical', threshold: personsAtRatio(criticalRatio, capacity) };
  if (ratio >= warningRatio) return { severity: 'warning', threshold: personsAtRatio(warningRatio, capacity) };
  return null;
}

/** A health post's band: limited is a warning, closed critical; value and threshold 1 or 2. */
export function healthBand(status: HealthStatus | undefined): Band | null {
  if (status === 'closed') return { severity: 'critical', threshold: 2 };
  if (status === 'limited') return { severity: 'warning', threshold: 1 };
  return null;
}

/** Hours until shelters fill: critical under criticalHours, warning under warningHours. */
export function hoursToFullBand(hours: number, settings: { warningHours: number; criticalHours: number }): Band | null {
  if (hours < settings.criticalHours) return { severity: 'critical', threshold: settings.criticalHours };
  if (hours < settings.warningHours) return { severity: 'warning', threshold: settings.warningHours };
  return null;
}

/** How long a site may stay silent: its own setting, else its kind's, else the default. */
export function silenceWindowHours(site: Pick<Site, 'id' | 'kind'>, thresholds: Thresholds): number {
  const { perSite, perKind, hours } = thresholds.siteSilent;
  return ownEntry(perSite, site.id) ?? ownEntry(perKind, site.kind) ?? hours;
}

/**
 * Whether a site that last reported at `lastReportMs` is silent at `nowMs`: longer than its window
 * without a report. A site that has never reported is not silent (it is unknown).
 */
export function isSilent(site: Pick<Site, 'id' | 'kind'>, lastReportMs: number | null, thresholds: Thresholds, nowMs: number): boolean {
  return lastReportMs !== null && (nowMs - lastReportMs) / HOUR_MS > silenceWindowHours(site, thresholds);
}

const SEVERITY_RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** The graver of two severities. */
export function graver(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** The worst severity among open alerts; null when none is open. */
export function worstSeverity(alerts: Iterable<Pick<Alert, 'severity' | 'state'>>): Severity | null {
  let worst: Severity | null = null;
  for (const a of alerts) {
    if (a.state === 'resolved') continue;
    worst = worst === null ? a.severity : graver(worst, a.severity);
  }
  return worst;
}

/** Warning to critical: what was acknowledged was a lesser emergency, so the alert is active again. */
export function escalates(from: Severity, to: Severity): boolean {
  return SEVERITY_RANK[to] > SEVERITY_RANK[from];
}

/**
 * What a stored alert becomes when an instance writes `next` over it, perhaps from an older copy:
 * a resolved alert stays resolved; the first acknowledgement stands; an acknowledged alert stays
 * acknowledged through new values unless it escalates, which reopens it. Both store adapters
 * apply this inside the write's transaction.
 */
export function mergeAlertWrite(stored: Alert, next: Alert): Alert {
  if (stored.state === 'resolved') return stored;
  if (stored.state !== 'acknowledged') return next;
  const acknowledgement = {
    ...(stored.acknowledgedAt ? { acknowledgedAt: stored.acknowledgedAt } : {}),
    ...(stored.acknowledgedBy ? { acknowledgedBy: stored.acknowledgedBy } : {}),
    ...(stored.note ? { note: stored.note } : {}),
  };
  if (next.state === 'acknowledged') {
    const { acknowledgedAt: _at, acknowledgedBy: _by, note: _note, ...rest } = next;
    return { ...rest, ...acknowledgement };
  }
  if (next.state === 'active' && !escalates(stored.severity, next.severity)) {
    return { ...next, state: 'acknowledged', ...acknowledgement };
  }
  return next;
}
