// Alert rules as pure functions: which conditions hold now, and how the open alerts must change.
import {
  doubledBand,
  type Band,
  escalates,
  healthBand,
  hoursToFullBand,
  influxThreshold,
  isSilent,
  onwardThreshold,
  shelterBand,
  silenceWindowHours,
  surgeThreshold,
} from './bands.ts';
import { DEFAULT_CAPACITY_EXHAUSTION } from './forecast.ts';
import { isClosedAt, type Alert, type AlertRule, type CapacityForecast, type GovernorateRollup, type Pcode, type Severity, type Site, type SiteState, type Thresholds } from './schemas.ts';
import { roundedExpected } from './onward.ts';
import { HOUR_MS } from './time.ts';
import { alertSentence, type AlertFacts, type AlertNames } from './alertWording.ts';

/** A rule that holds for one subject (a site, or a governorate) at this moment. */
export interface AlertCondition {
  rule: AlertRule;
  severity: Severity;
  siteId?: string;
  governorate: Pcode;
  value: number;
  threshold: number;
  message: string;
  /** onward_influx: the origin governorates, most expected first */
  origins?: Pcode[];
}

/** One open alert at most per rule and subject: this is the key that says "the same alert". */
export function alertSubjectKey(a: { rule: AlertRule; siteId?: string; governorate: string }): string {
  return `${a.rule}|${a.siteId ?? a.governorate}`;
}

/** The condition's `message`: its English sentence, the one its screen row and its CAP headline say. */
function withMessage(condition: Omit<AlertCondition, 'message'>, names: AlertNames): AlertCondition {
  const facts: AlertFacts = { ...condition };
  return { ...condition, message: alertSentence(facts, names, 'en') };
}

export interface AlertInputs {
  sites: readonly Site[];
  states: ReadonlyMap<string, SiteState>;
  governorates: readonly GovernorateRollup[];
  governorateNames: ReadonlyMap<string, string>;
  thresholds: Thresholds;
  nowMs: number;
}

function siteConditions(site: Site, state: SiteState | undefined, inputs: AlertInputs): AlertCondition[] {
  const { thresholds, nowMs } = inputs;
  const subject = { siteId: site.id, governorate: site.governorate };
  const governorate = inputs.governorateNames.get(site.governorate) ?? site.governorate;
  const names: AlertNames = { subject: site.nameEn, governorate, capacity: site.capacity, origins: [] };
  const found: AlertCondition[] = [];
  // A closed site raises nothing, not even site_silent: its silence is expected. Its open alerts
  // resolve at the next evaluation, since no condition holds for them.
  if (!state || isClosedAt(site, nowMs)) return found;

  if (site.kind === 'checkpoint') {
    const value = state.arrivals1h ?? 0;
    const band = doubledBand(value, surgeThreshold(site.id, thresholds));
    if (band) {
      found.push(withMessage({ rule: 'checkpoint_surge', ...subject, ...band, value }, names));
    }
  }

  if (site.kind === 'shelter' && site.capacity && state.occupancy !== undefined) {
    const band = shelterBand(state.occupancy, site.capacity, thresholds);
    if (band) {
      // value and threshold in persons, so that every alert speaks in the units on screen
      found.push(withMessage({ rule: 'shelter_capacity', ...subject, ...band, value: state.occupancy }, names));
    }
  }

  const health = site.kind === 'health_post' ? healthBand(state.status) : null;
  if (health) {
    // 0 operational, 1 limited, 2 closed: a number, as every alert carries one
    found.push(withMessage({ rule: 'health_post_down', ...subject, ...health, value: health.threshold }, names));
  }

  if (state.lastReportAt !== null) {
    const windowHours = silenceWindowHours(site, thresholds);
    const silentHours = (nowMs - Date.parse(state.lastReportAt)) / HOUR_MS;
    if (isSilent(site, Date.parse(state.lastReportAt), thresholds, nowMs)) {
      found.push(
        withMessage(
          // whole hours, so a silent site's alert changes once an hour rather than on every tick
          { rule: 'site_silent', ...subject, severity: 'warning', value: Math.floor(silentHours), threshold: windowHours },
          names,
        ),
      );
    }
  }
  return found;
}

function governorateConditions(rollup: GovernorateRollup, inputs: AlertInputs): AlertCondition[] {
  const band = doubledBand(rollup.arrivals24h, influxThreshold(rollup.pcode, inputs.thresholds));
  if (!band) return [];
  return [withMessage({ rule: 'governorate_influx', governorate: rollup.pcode, ...band, value: rollup.arrivals24h }, governorateNames(rollup.pcode, inputs))];
}

/** A governorate's alert names the governorate, in English. */
function governorateNames(pcode: Pcode, inputs: AlertInputs): AlertNames {
  const name = inputs.governorateNames.get(pcode) ?? pcode;
  return { subject: name, governorate: name, origins: [] };
}

/**
 * Shelters projected to fill: warning under warningHours, critical under criticalHours, value the
 * projected whole hours until full. Quiet without a projection (thin data, no inflow, no shelter
 * figures). Already full with arrivals still flowing in is critical at 0 h: shelter_capacity speaks
 * for each full shelter, this rule for the governorate having no place left for those arriving.
 */
function capacityExhaustionConditions(rollup: GovernorateRollup, inputs: AlertInputs): AlertCondition[] {
  const forecast = rollup.forecast;
  if (!forecast || forecast.hoursToFull === null || !forecast.inflowPerHour) return [];
  const hours = forecast.hoursToFull;
  const band = capacityExhaustionBand(forecast, inputs.thresholds);
  if (!band) return [];
  return [withMessage({ rule: 'capacity_exhaustion', governorate: rollup.pcode, ...band, value: hours }, governorateNames(rollup.pcode, inputs))];
}

/**
 * The band a governorate's capacity forecast falls in, as the capacity_exhaustion rule judges it:
 * none without a projection or without inflow. Screens call this rather than comparing hours.
 */
export function capacityExhaustionBand(
  forecast: Pick<CapacityForecast, 'hoursToFull' | 'inflowPerHour'>,
  thresholds: Pick<Thresholds, 'capacityExhaustion'> | null,
): Band | null {
  if (forecast.hoursToFull === null || !forecast.inflowPerHour) return null;
  return hoursToFullBand(forecast.hoursToFull, thresholds?.capacityExhaustion ?? DEFAULT_CAPACITY_EXHAUSTION);
}

/**
 * Persons expected in a governorate in the next 24 h from checkpoints in other governorates
 * (shared/onward.ts): warning at its threshold, critical at twice it. The value is the expectation
 * to two significant figures (roundedExpected), so the alert does not change with every tick as
 * people arrive; the message names the origins, most expected first.
 */
function onwardInfluxConditions(rollup: GovernorateRollup, inputs: AlertInputs): AlertCondition[] {
  const onward = rollup.onward;
  if (!onward || onward.expected24h === 0) return [];
  const value = roundedExpected(onward.expected24h);
  const band = doubledBand(value, onwardThreshold(rollup.pcode, inputs.thresholds));
  if (!band) return [];
  const origins = onward.byOrigin.filter((o) => o.expected24h > 0).map((o) => o.origin);
  const names = { ...governorateNames(rollup.pcode, inputs), origins: origins.map((pcode) => inputs.governorateNames.get(pcode) ?? pcode) };
  return [withMessage({ rule: 'onward_influx', governorate: rollup.pcode, ...band, value, origins }, names)];
}

/** Every condition that holds at `inputs.nowMs`, for the site and governorate rules. */
export function evaluateConditions(inputs: AlertInputs): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const site of inputs.sites) conditions.push(...siteConditions(site, inputs.states.get(site.id), inputs));
  for (const rollup of inputs.governorates) conditions.push(...governorateConditions(rollup, inputs));
  for (const rollup of inputs.governorates) conditions.push(...capacityExhaustionConditions(rollup, inputs));
  for (const rollup of inputs.governorates) conditions.push(...onwardInfluxConditions(rollup, inputs));
  return conditions;
}

export interface AlertChanges {
  /** conditions with no open alert: raise one each */
  raise: AlertCondition[];
  /** open alerts whose severity, value or message moved: the new version of each */
  change: Alert[];
  /** open alerts whose condition no longer holds: the resolved version of each */
  resolve: Alert[];
}

/**
 * Reconciles the open alerts with the conditions that hold now. An acknowledged alert that
 * escalates from warning to critical becomes active again, since what was acknowledged was a lesser
 * emergency. `rules` limits the reconciliation to the rules evaluated, so that a caller evaluating
 * only some rules does not resolve the others.
 */
export function reconcileAlerts(
  open: readonly Alert[],
  conditions: readonly AlertCondition[],
  nowIso: string,
  rules?: ReadonlySet<AlertRule>,
): AlertChanges {
  const bySubject = new Map(conditions.map((c) => [alertSubjectKey(c), c]));
  const changes: AlertChanges = { raise: [], change: [], resolve: [] };
  const seen = new Set<string>();
  for (const alert of open) {
    if (rules && !rules.has(alert.rule)) continue;
    const key = alertSubjectKey(alert);
    seen.add(key);
    const condition = bySubject.get(key);
    if (!condition) {
      changes.resolve.push({ ...alert, state: 'resolved', resolvedAt: nowIso, updatedAt: nowIso });
      continue;
    }
    const escalated = escalates(alert.severity, condition.severity);
    if (
      condition.severity !== alert.severity ||
      condition.value !== alert.value ||
      condition.threshold !== alert.threshold ||
      condition.message !== alert.message
    ) {
      const next: Alert = {
        ...alert,
        severity: condition.severity,
        value: condition.value,
        threshold: condition.threshold,
        message: condition.message,
        updatedAt: nowIso,
      };
      // the origins are named in the message, so they change only with it
      if (condition.origins) next.origins = condition.origins;
      if (escalated && alert.state === 'acknowledged') {
        next.state = 'active';
        delete next.acknowledgedAt;
        delete next.acknowledgedBy;
        delete next.note;
      }
      changes.change.push(next);
    }
  }
  for (const [key, condition] of bySubject) {
    if (!seen.has(key)) changes.raise.push(condition);
  }
  return changes;
}

/** Counts open alerts (active or acknowledged) per governorate. */
export function openAlertsByGovernorate(alerts: Iterable<Alert>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    if (a.state !== 'resolved') counts.set(a.governorate, (counts.get(a.governorate) ?? 0) + 1);
  }
  return counts;
}
