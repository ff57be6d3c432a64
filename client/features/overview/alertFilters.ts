// The overview's alert filters, remembered on the device: what they keep, and how they are stored.
// Parsed defensively: a stored value from an older version or another hand becomes "all".
import { AlertRule, AlertState, Severity, type Alert } from '../../../shared/schemas.ts';

export interface AlertFilters {
  severity: Alert['severity'] | 'all';
  state: Exclude<Alert['state'], 'resolved'> | 'all';
  rule: Alert['rule'] | 'all';
  governorate: string | 'all';
}

export const NO_FILTERS: AlertFilters = { severity: 'all', state: 'all', rule: 'all', governorate: 'all' };

const FILTERS_KEY = 'amina.alertFilters';
const SEEN_KEY = 'amina.alertsSeenAt';

/** The filters from their stored form; anything unknown in it is "all". */
export function parseFilters(stored: string | null): AlertFilters {
  let raw: unknown;
  try {
    raw = stored ? JSON.parse(stored) : null;
  } catch {
    raw = null;
  }
  if (typeof raw !== 'object' || raw === null) return { ...NO_FILTERS };
  const field = (name: string) => (Object.hasOwn(raw as object, name) ? (raw as Record<string, unknown>)[name] : undefined);
  const severity = Severity.safeParse(field('severity'));
  const state = AlertState.safeParse(field('state'));
  const rule = AlertRule.safeParse(field('rule'));
  const governorate = field('governorate');
  return {
    severity: severity.success ? severity.data : 'all',
    state: state.success && state.data !== 'resolved' ? state.data : 'all',
    rule: rule.success ? rule.data : 'all',
    governorate: typeof governorate === 'string' && /^IQG\d{2}$/.test(governorate) ? governorate : 'all',
  };
}

export function keeps(filters: AlertFilters, alert: Alert): boolean {
  return (
    (filters.severity === 'all' || alert.severity === filters.severity) &&
    (filters.state === 'all' || alert.state === filters.state) &&
    (filters.rule === 'all' || alert.rule === filters.rule) &&
    (filters.governorate === 'all' || alert.governorate === filters.governorate)
  );
}

export function isFiltering(filters: AlertFilters): boolean {
  return filters.severity !== 'all' || filters.state !== 'all' || filters.rule !== 'all' || filters.governorate !== 'all';
}

export function loadFilters(): AlertFilters {
  return parseFilters(localStorage.getItem(FILTERS_KEY));
}

export function saveFilters(filters: AlertFilters): void {
  localStorage.setItem(FILTERS_KEY, JSON.stringify(filters));
}

/**
 * When this device last looked at the overview's alerts (null on a first visit), and from now on
 * "now": alerts raised after the returned instant are new to the reader. Kept as the page is left.
 */
export function takeLastSeen(nowIso: string): string | null {
  const previous = localStorage.getItem(SEEN_KEY);
  const remember = () => localStorage.setItem(SEEN_KEY, new Date().toISOString());
  window.addEventListener('pagehide', remember);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') remember();
  });
  if (!previous) localStorage.setItem(SEEN_KEY, nowIso);
  return previous && !Number.isNaN(Date.parse(previous)) ? previous : null;
}
