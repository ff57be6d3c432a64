// The reference model of Amina for the differential test: what every screen must show, computed the
// slow and obvious way. It keeps plain lists (stored reports, thresholds, open alerts per world) and
// recomputes everything from them at a given `now`: no indexes kept between calls, no folding report
// by report, no code shared with the server's projection or rules. Each rule is written from its
// definition in README.md ("The interface") and the comments of shared/alerts.ts and shared/bands.ts.
// The only shared code it calls is the forecast's arithmetic (forecastCapacity), whose inputs it
// builds itself from the raw list. Onward movement (who is heading where, and when) is computed here
// from its definition in docs/forecast.md, report by report.
import { DEFAULT_CAPACITY_EXHAUSTION, forecastCapacity, type ShelterFigures } from '../../shared/forecast.ts';
import type {
  AlertRule,
  CapacityForecast,
  GovernorateRollup,
  HealthStatus,
  OnwardFigures,
  Report,
  Rollup,
  Severity,
  Site,
  SiteKind,
  SiteState,
  Thresholds,
  World,
} from '../../shared/schemas.ts';
import { isoSeconds } from '../../shared/time.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A report may be stamped up to this far ahead of the clock, and then counts at once. */
const AHEAD_TOLERANCE = 5 * MINUTE;
/** Onward movement (docs/forecast.md): a pair the travel table lacks takes 8 h; arrivals spread over the time ± half, at least 1 h. */
const FALLBACK_TRAVEL_HOURS = 8;
const SPREAD = 0.5;
const MIN_SPREAD_HOURS = 1;
/** The onward_influx line when the thresholds have no onward settings. */
const DEFAULT_ONWARD_LINE = 2000;
/** The rule kinds each site kind takes. */
const KIND_FOR_SITE: Record<SiteKind, Report['kind']> = { checkpoint: 'arrivals', shelter: 'occupancy', health_post: 'health' };

/** One report as stored: canonical (id in lower case, observedAt in UTC), its world, when and in which order it was stored. */
export interface ModelReport {
  report: Report;
  world: World;
  observedMs: number;
  receivedAt: string;
  /** storage order: 0 for the first report ever accepted */
  order: number;
}

/** An open alert as the model keeps it (ids are the server's business: alerts are known by world, rule and subject). */
export interface ModelAlert {
  world: World;
  rule: AlertRule;
  severity: Severity;
  siteId?: string;
  governorate: string;
  value: number;
  threshold: number;
  state: 'active' | 'acknowledged';
  raisedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  note?: string;
}

export interface ModelCondition {
  rule: AlertRule;
  severity: Severity;
  siteId?: string;
  governorate: string;
  value: number;
  threshold: number;
}

/** What one reconciliation changed, so that a test can say which paths of the lifecycle it went through. */
export interface ReconcileSummary {
  raised: number;
  updated: number;
  resolved: number;
  /** acknowledged alerts that escalated and became active again */
  reopened: number;
}

export interface ModelPicture {
  national: Rollup;
  governorates: GovernorateRollup[];
  sites: SiteState[];
}

/** Who posts: the world the token writes into, and the sites it may post for ('any' for an admin). */
export interface Poster {
  world: World;
  sites: readonly string[] | 'any';
}

/** What the server must answer to a post, by the model. */
export type PostOutcome =
  | { status: 201; accepted: string[]; duplicate: string[] }
  | { status: 403 | 422; fields: string[] }
  | { status: 409; ids: string[] };

/** "the same alert": one open alert at most per world, rule and subject. */
export function alertKey(a: { world: World; rule: AlertRule; siteId?: string; governorate: string }): string {
  return `${a.world}|${a.rule}|${a.siteId ?? a.governorate}`;
}

/** UTC, "Z", milliseconds only when there are any: how Amina stores an instant. */
export function storedInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** A report's content for identity: every field the client sent, the id in lower case, the instant as a number. */
function identity(report: Report): string {
  const fields: Record<string, unknown> = { ...report, id: report.id.toLowerCase(), observedAt: Date.parse(report.observedAt) };
  return JSON.stringify(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));
}

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** Warning at the line, critical at twice it. */
function doubled(value: number, line: number): { severity: Severity; threshold: number } | null {
  if (value >= 2 * line) return { severity: 'critical', threshold: 2 * line };
  if (value >= line) return { severity: 'warning', threshold: line };
  return null;
}

/** An own entry of a record typed by a person: never something inherited from Object.prototype. */
function own<V>(record: Partial<Record<string, V>> | undefined, key: string): V | undefined {
  return record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** The newest of a site's reports: largest observedAt, then the later receivedAt, then the larger id. */
function newest(reports: readonly ModelReport[]): ModelReport | undefined {
  let best: ModelReport | undefined;
  for (const r of reports) {
    if (
      !best ||
      r.observedMs > best.observedMs ||
      (r.observedMs === best.observedMs && (r.receivedAt > best.receivedAt || (r.receivedAt === best.receivedAt && r.report.id > best.report.id)))
    ) {
      best = r;
    }
  }
  return best;
}

export class ReferenceModel {
  readonly reports: ModelReport[] = [];
  /** storage order of the next accepted report: a counter, since clearing the exercise shortens the list */
  private nextOrder = 0;

  /** How many reports were ever accepted, cleared drill reports included. */
  get acceptedEver(): number {
    return this.nextOrder;
  }
  /** open alerts (active and acknowledged) of both worlds */
  alerts: ModelAlert[] = [];
  thresholds: Thresholds;

  constructor(
    readonly sites: readonly Site[],
    readonly pcodes: readonly string[],
    thresholds: Thresholds,
  ) {
    this.thresholds = thresholds;
  }

  site(id: string): Site | undefined {
    return this.sites.find((s) => s.id === id);
  }

  // ---- the log ----------------------------------------------------------------------------------

  /**
   * A post of reports by `poster` at `nowMs`: refused whole (403 before 422, 409 for an id reused with
   * other content or in the other world) or stored, with duplicates (the same id and content, however
   * spelt) answered as such. Ids are answered as they were sent.
   */
  post(reports: readonly Report[], poster: Poster, nowMs: number): PostOutcome {
    // destinations that count more persons than arrived: impossible, refused before the token is asked
    const inconsistent = reports.flatMap((r, i) => {
      if (r.kind !== 'arrivals' || !r.destinations) return [];
      const heading = r.destinations.reduce((sum, d) => sum + d.persons, 0);
      return heading > r.arrivals ? [`${i}.destinations`] : [];
    });
    if (inconsistent.length) return { status: 422, fields: inconsistent };
    const forbidden: string[] = [];
    const impossible: string[] = [];
    reports.forEach((r, i) => {
      if (poster.sites !== 'any' && !poster.sites.includes(r.siteId)) {
        forbidden.push(`${i}.siteId`);
        return;
      }
      const site = this.site(r.siteId);
      if (!site) {
        impossible.push(`${i}.siteId`);
        return;
      }
      if (KIND_FOR_SITE[site.kind] !== r.kind) impossible.push(`${i}.kind`);
      if (Date.parse(r.observedAt) > nowMs + AHEAD_TOLERANCE) impossible.push(`${i}.observedAt`);
    });
    if (forbidden.length) return { status: 403, fields: forbidden };
    if (impossible.length) return { status: 422, fields: impossible };

    const accepted: string[] = [];
    const duplicate: string[] = [];
    const conflicts: string[] = [];
    const fresh: ModelReport[] = [];
    const receivedAt = isoSeconds(nowMs);
    // looked up by id for this post only: 20,000 stored reports times a batch of 500 is too slow to scan
    const byId = new Map(this.reports.map((stored) => [stored.report.id, stored]));
    for (const r of reports) {
      const id = r.id.toLowerCase();
      const earlier = byId.get(id);
      if (earlier) {
        if (earlier.world === poster.world && identity(earlier.report) === identity(r)) duplicate.push(r.id);
        else conflicts.push(id);
        continue;
      }
      const observedMs = Date.parse(r.observedAt);
      const stored: ModelReport = { report: { ...r, id, observedAt: storedInstant(observedMs) }, world: poster.world, observedMs, receivedAt, order: this.nextOrder + fresh.length };
      fresh.push(stored);
      byId.set(id, stored);
      accepted.push(r.id);
    }
    if (conflicts.length) return { status: 409, ids: conflicts };
    this.reports.push(...fresh);
    this.nextOrder += fresh.length;
    return { status: 201, accepted, duplicate };
  }

  /** DELETE /api/exercise: drill reports go, real ones stay. Returns how many went. */
  clearExercise(): number {
    const before = this.reports.length;
    const kept = this.reports.filter((r) => r.world === 'real');
    this.reports.splice(0, this.reports.length, ...kept);
    return before - kept.length;
  }

  /** A world's stored reports as the CSV export lists them: by observedAt, then in storage order. */
  exportOrder(world: World): ModelReport[] {
    return this.reports.filter((r) => r.world === world).sort((a, b) => a.observedMs - b.observedMs || a.order - b.order);
  }

  // ---- the picture ------------------------------------------------------------------------------

  private reportsBySite(world: World): Map<string, ModelReport[]> {
    const bySite = new Map<string, ModelReport[]>();
    for (const r of this.reports) {
      if (r.world !== world) continue;
      const list = bySite.get(r.report.siteId) ?? [];
      list.push(r);
      bySite.set(r.report.siteId, list);
    }
    return bySite;
  }

  /** Hours a site may stay silent: its own setting, else its kind's, else the general one. */
  silenceHours(site: Site): number {
    const { perSite, perKind, hours } = this.thresholds.siteSilent;
    return own(perSite, site.id) ?? own(perKind, site.kind) ?? hours;
  }

  /** Longer than its window without a report: silent. */
  private silentAt(site: Site, lastMs: number, nowMs: number): boolean {
    return (nowMs - lastMs) / HOUR > this.silenceHours(site);
  }

  /** Sum of arrivals observed in (now − window, now + 5 min]. */
  private arrivalsIn(reports: readonly ModelReport[], nowMs: number, windowMs: number): number {
    let sum = 0;
    for (const r of reports) {
      if (r.report.kind === 'arrivals' && r.observedMs > nowMs - windowMs && r.observedMs <= nowMs + AHEAD_TOLERANCE) sum += r.report.arrivals;
    }
    return sum;
  }

  private latestOccupancy(reports: readonly ModelReport[]): { atMs: number; value: number } | undefined {
    const r = newest(reports.filter((x) => x.report.kind === 'occupancy'));
    return r && r.report.kind === 'occupancy' ? { atMs: r.observedMs, value: r.report.occupancy } : undefined;
  }

  private latestStatus(reports: readonly ModelReport[]): HealthStatus | undefined {
    const r = newest(reports.filter((x) => x.report.kind === 'health'));
    return r && r.report.kind === 'health' ? r.report.status : undefined;
  }

  /** A shelter counts towards occupancy when its latest occupancy is no older than its silence window. */
  private isCurrent(site: Site, reports: readonly ModelReport[], nowMs: number): boolean {
    const latest = this.latestOccupancy(reports);
    return latest !== undefined && !this.silentAt(site, latest.atMs, nowMs);
  }

  private siteStateOf(site: Site, reports: readonly ModelReport[], nowMs: number): SiteState {
    const lastMs = reports.reduce<number | null>((max, r) => (max === null || r.observedMs > max ? r.observedMs : max), null);
    const state: SiteState = { id: site.id, lastReportAt: lastMs === null ? null : isoSeconds(lastMs) };
    if (site.kind === 'checkpoint') {
      state.arrivals1h = this.arrivalsIn(reports, nowMs, HOUR);
      state.arrivals24h = this.arrivalsIn(reports, nowMs, 24 * HOUR);
      state.arrivalsPrev1h = reports.reduce(
        (sum, r) => (r.report.kind === 'arrivals' && r.observedMs > nowMs - 2 * HOUR && r.observedMs <= nowMs - HOUR ? sum + r.report.arrivals : sum),
        0,
      );
    } else if (site.kind === 'shelter') {
      const latest = this.latestOccupancy(reports);
      if (latest) state.occupancy = latest.value;
    } else {
      const status = this.latestStatus(reports);
      if (status) state.status = status;
    }
    return state;
  }

  /** A rollup over some sites, summed one by one from their states. */
  private rollupOf(sites: readonly Site[], states: ReadonlyMap<string, SiteState>, current: ReadonlySet<string>): Rollup {
    const rollup: Rollup = {
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
    for (const site of sites) {
      const state = states.get(site.id)!;
      if (site.kind === 'checkpoint') {
        rollup.arrivals1h += state.arrivals1h!;
        rollup.arrivals24h += state.arrivals24h!;
      } else if (site.kind === 'shelter') {
        rollup.shelters += 1;
        if (current.has(site.id)) {
          rollup.sheltersReporting += 1;
          rollup.occupancy += state.occupancy!;
          rollup.capacity += site.capacity ?? 0;
        } else {
          rollup.capacityUnknown += site.capacity ?? 0;
        }
      } else {
        rollup.healthPosts[state.status ?? 'unknown'] += 1;
      }
    }
    rollup.occupancyRatio = rollup.capacity > 0 ? rollup.occupancy / rollup.capacity : null;
    return rollup;
  }

  /**
   * Arrivals of one governorate's checkpoints in hourly buckets: bucket k holds reports observed in
   * (now − (k+1) h, now − k h], reports stamped ahead (within the tolerance) in bucket 0; the list
   * runs back to the oldest bucket with a report in the last 24 h.
   */
  private hourlyBuckets(reports: readonly ModelReport[], nowMs: number): { counts: number[]; reports: number } {
    const inWindow = reports.filter((r) => r.report.kind === 'arrivals' && r.observedMs > nowMs - 24 * HOUR && r.observedMs <= nowMs + AHEAD_TOLERANCE);
    const inBucket = (r: ModelReport, k: number) =>
      k === 0 ? r.observedMs > nowMs - HOUR : r.observedMs > nowMs - (k + 1) * HOUR && r.observedMs <= nowMs - k * HOUR;
    const counts = new Array<number>(24).fill(0);
    let span = 0;
    for (const r of inWindow) {
      const k = counts.findIndex((_, bucket) => inBucket(r, bucket));
      counts[k]! += r.report.kind === 'arrivals' ? r.report.arrivals : 0;
      span = Math.max(span, k + 1);
    }
    return { counts: counts.slice(0, span), reports: inWindow.length };
  }

  /**
   * Onward movement towards every governorate at `nowMs`: every destination in arrivals reports of
   * the last 24 h at checkpoints of other governorates, its persons spread evenly over its arrival
   * window, summed hour by hour over the next 24 h. Sites in registry order, reports in storage order,
   * as the server folds them, so that sums of fractions add up in the same order. One pass for all
   * governorates: the differential test asks for a picture after every command.
   */
  private onwardAll(bySite: ReadonlyMap<string, ModelReport[]>, nowMs: number): Map<string, OnwardFigures> {
    const travel = this.thresholds.onwardInflux?.travelHours;
    interface Sums {
      byHour: number[];
      heading24h: number;
      heading6h: number;
      expected: number;
      origins: Map<string, { heading24h: number; heading6h: number; expected: number }>;
    }
    const sums = new Map<string, Sums>(this.pcodes.map((p) => [p, { byHour: new Array<number>(24).fill(0), heading24h: 0, heading6h: 0, expected: 0, origins: new Map() }]));
    for (const site of this.sites) {
      if (site.kind !== 'checkpoint') continue;
      for (const r of bySite.get(site.id) ?? []) {
        if (r.report.kind !== 'arrivals' || !r.report.destinations) continue;
        if (!(r.observedMs > nowMs - 24 * HOUR && r.observedMs <= nowMs + AHEAD_TOLERANCE)) continue;
        const recent = r.observedMs > nowMs - 6 * HOUR;
        for (const d of r.report.destinations) {
          const s = sums.get(d.to);
          if (!s || d.to === site.governorate || d.persons === 0) continue;
          const hours = own(travel, `${site.governorate}>${d.to}`) ?? FALLBACK_TRAVEL_HOURS;
          const half = Math.max(hours * SPREAD, MIN_SPREAD_HOURS);
          const startMs = r.observedMs + Math.max(0, hours - half) * HOUR;
          const endMs = r.observedMs + (hours + half) * HOUR;
          let expected = 0;
          for (let k = 0; k < 24; k++) {
            const overlap = Math.min(endMs, nowMs + (k + 1) * HOUR) - Math.max(startMs, nowMs + k * HOUR);
            const inHour = d.persons * (overlap > 0 ? overlap / (endMs - startMs) : 0);
            s.byHour[k]! += inHour;
            expected += inHour;
          }
          s.heading24h += d.persons;
          if (recent) s.heading6h += d.persons;
          s.expected += expected;
          const o = s.origins.get(site.governorate) ?? { heading24h: 0, heading6h: 0, expected: 0 };
          o.heading24h += d.persons;
          if (recent) o.heading6h += d.persons;
          o.expected += expected;
          s.origins.set(site.governorate, o);
        }
      }
    }
    const figures = new Map<string, OnwardFigures>();
    for (const [pcode, s] of sums) {
      const byOrigin = [...s.origins]
        .map(([origin, o]) => ({
          origin,
          heading24h: o.heading24h,
          heading6h: o.heading6h,
          expected24h: Math.round(o.expected),
          travelHours: own(travel, `${origin}>${pcode}`) ?? FALLBACK_TRAVEL_HOURS,
        }))
        .sort((a, b) => b.expected24h - a.expected24h || b.heading24h - a.heading24h || (a.origin < b.origin ? -1 : 1));
      figures.set(pcode, { heading24h: s.heading24h, heading6h: s.heading6h, expected24h: Math.round(s.expected), expectedByHour: s.byHour.map((n) => Math.round(n)), byOrigin });
    }
    return figures;
  }

  private forecastOf(pcode: string, bySite: ReadonlyMap<string, ModelReport[]>, current: ReadonlySet<string>, nowMs: number, onward: OnwardFigures): CapacityForecast {
    const settings = this.thresholds.capacityExhaustion ?? DEFAULT_CAPACITY_EXHAUSTION;
    const mine = this.sites.filter((s) => s.governorate === pcode);
    const arrivals = mine.filter((s) => s.kind === 'checkpoint').flatMap((s) => bySite.get(s.id) ?? []);
    const shelters: ShelterFigures[] = mine
      .filter((s) => s.kind === 'shelter' && s.capacity)
      .map((s) => ({ capacity: s.capacity!, occupancy: current.has(s.id) ? this.latestOccupancy(bySite.get(s.id) ?? [])!.value : null }));
    return forecastCapacity({
      arrivals: this.hourlyBuckets(arrivals, nowMs),
      shelters,
      settings: { shelterShare: own(settings.shelterSharePerGovernorate, pcode) ?? settings.shelterShare, smoothingHours: settings.smoothingHours },
      onwardExpected24h: onward.expected24h,
    });
  }

  /** The picture of one world at `nowMs`, with activeAlerts from the model's open alerts as they stand. */
  picture(world: World, nowMs: number): ModelPicture {
    const bySite = this.reportsBySite(world);
    const states = new Map(this.sites.map((s) => [s.id, this.siteStateOf(s, bySite.get(s.id) ?? [], nowMs)]));
    const current = new Set(this.sites.filter((s) => s.kind === 'shelter' && this.isCurrent(s, bySite.get(s.id) ?? [], nowMs)).map((s) => s.id));
    const onwardByPcode = this.onwardAll(bySite, nowMs);
    const governorates: GovernorateRollup[] = this.pcodes.map((pcode) => {
      const onward = onwardByPcode.get(pcode)!;
      return {
        pcode,
        ...this.rollupOf(
          this.sites.filter((s) => s.governorate === pcode),
          states,
          current,
        ),
        activeAlerts: this.alerts.filter((a) => a.world === world && a.governorate === pcode).length,
        forecast: this.forecastOf(pcode, bySite, current, nowMs, onward),
        onward,
      };
    });
    return { national: this.rollupOf(this.sites, states, current), governorates, sites: this.sites.map((s) => states.get(s.id)!) };
  }

  // ---- the rules --------------------------------------------------------------------------------

  /** Every condition that holds in `world` at `nowMs`, each rule from its definition. */
  conditions(world: World, nowMs: number): ModelCondition[] {
    const { sites, governorates } = this.picture(world, nowMs);
    const t = this.thresholds;
    const found: ModelCondition[] = [];
    for (const site of this.sites) {
      const state = sites.find((s) => s.id === site.id)!;
      const subject = { siteId: site.id, governorate: site.governorate };
      // checkpoint_surge: arrivals in the last hour against the site's line (else the national one)
      if (site.kind === 'checkpoint') {
        const band = doubled(state.arrivals1h!, own(t.checkpointSurge.perSite, site.id) ?? t.checkpointSurge.arrivals1h);
        if (band) found.push({ rule: 'checkpoint_surge', ...subject, ...band, value: state.arrivals1h! });
      }
      // shelter_capacity: the latest occupancy (current or not) against capacity; value and line in persons
      if (site.kind === 'shelter' && site.capacity && state.occupancy !== undefined) {
        const { warningRatio, criticalRatio } = t.shelterCapacity;
        const ratio = state.occupancy / site.capacity;
        const severity: Severity | null = ratio >= criticalRatio ? 'critical' : ratio >= warningRatio ? 'warning' : null;
        if (severity) {
          const line = severity === 'critical' ? criticalRatio : warningRatio;
          found.push({ rule: 'shelter_capacity', ...subject, severity, value: state.occupancy, threshold: personsAtRatio(line, site.capacity) });
        }
      }
      // health_post_down: limited is a warning (1), closed critical (2)
      if (site.kind === 'health_post' && (state.status === 'limited' || state.status === 'closed')) {
        const level = state.status === 'closed' ? 2 : 1;
        found.push({ rule: 'health_post_down', ...subject, severity: level === 2 ? 'critical' : 'warning', value: level, threshold: level });
      }
      // site_silent: a site that has reported, quiet for longer than its window; whole hours of silence
      if (state.lastReportAt !== null) {
        const lastMs = Date.parse(state.lastReportAt);
        if (this.silentAt(site, lastMs, nowMs)) {
          found.push({ rule: 'site_silent', ...subject, severity: 'warning', value: Math.floor((nowMs - lastMs) / HOUR), threshold: this.silenceHours(site) });
        }
      }
    }
    for (const g of governorates) {
      // governorate_influx: arrivals in 24 h against the governorate's line (else the national one)
      const band = doubled(g.arrivals24h, own(t.governorateInflux.perGovernorate, g.pcode) ?? t.governorateInflux.arrivals24h);
      if (band) found.push({ rule: 'governorate_influx', governorate: g.pcode, ...band, value: g.arrivals24h });
    }
    const exhaustion = t.capacityExhaustion ?? DEFAULT_CAPACITY_EXHAUSTION;
    for (const g of governorates) {
      // capacity_exhaustion: projected hours to full, with inflow, under the critical or warning hours
      const f = g.forecast!;
      if (f.hoursToFull === null || !f.inflowPerHour) continue;
      const band =
        f.hoursToFull < exhaustion.criticalHours
          ? { severity: 'critical' as const, threshold: exhaustion.criticalHours }
          : f.hoursToFull < exhaustion.warningHours
            ? { severity: 'warning' as const, threshold: exhaustion.warningHours }
            : null;
      if (band) found.push({ rule: 'capacity_exhaustion', governorate: g.pcode, ...band, value: f.hoursToFull });
    }
    for (const g of governorates) {
      // onward_influx: persons expected in 24 h, to two significant figures from 100 up, against the line
      const expected = g.onward!.expected24h;
      if (expected === 0) continue;
      const digits = expected >= 100 ? String(expected).length - 2 : 0;
      const value = digits > 0 ? Math.round(expected / 10 ** digits) * 10 ** digits : expected;
      const settings = t.onwardInflux;
      const band = doubled(value, own(settings?.perGovernorate, g.pcode) ?? settings?.persons24h ?? DEFAULT_ONWARD_LINE);
      if (band) found.push({ rule: 'onward_influx', governorate: g.pcode, ...band, value });
    }
    return found;
  }

  // ---- the alert lifecycle ----------------------------------------------------------------------

  /**
   * Makes the open alerts of both worlds match the conditions at `nowMs`: raise what starts, update
   * what holds (an acknowledged alert that escalates is active again), resolve what cleared. Called
   * whenever the server refreshes; at an unchanged time and state it changes nothing.
   */
  reconcile(nowMs: number): ReconcileSummary {
    const summary: ReconcileSummary = { raised: 0, updated: 0, resolved: 0, reopened: 0 };
    const next: ModelAlert[] = [];
    for (const world of ['real', 'exercise'] as const) {
      const conditions = this.conditions(world, nowMs);
      const open = this.alerts.filter((a) => a.world === world);
      for (const alert of open) {
        const condition = conditions.find((c) => alertKey({ world, ...c }) === alertKey(alert));
        if (!condition) {
          summary.resolved += 1; // it leaves the open list
          continue;
        }
        const updated: ModelAlert = { ...alert, severity: condition.severity, value: condition.value, threshold: condition.threshold };
        if (updated.severity !== alert.severity || updated.value !== alert.value || updated.threshold !== alert.threshold) summary.updated += 1;
        if (alert.state === 'acknowledged' && RANK[condition.severity] > RANK[alert.severity]) {
          updated.state = 'active';
          delete updated.acknowledgedAt;
          delete updated.acknowledgedBy;
          delete updated.note;
          summary.reopened += 1;
        }
        next.push(updated);
      }
      for (const condition of conditions) {
        if (open.some((a) => alertKey(a) === alertKey({ world, ...condition }))) continue;
        next.push({ world, ...condition, state: 'active', raisedAt: isoSeconds(nowMs) });
        summary.raised += 1;
      }
    }
    this.alerts = next;
    return summary;
  }

  /** Acknowledges an open alert; a second acknowledgement keeps the first. Returns the alert, or undefined when none is open. */
  acknowledge(key: string, by: string, note: string | undefined, nowMs: number): ModelAlert | undefined {
    const alert = this.alerts.find((a) => alertKey(a) === key);
    if (!alert) return undefined;
    if (alert.state === 'acknowledged') return alert;
    alert.state = 'acknowledged';
    alert.acknowledgedAt = isoSeconds(nowMs);
    alert.acknowledgedBy = by;
    const trimmed = note?.trim();
    if (trimmed) alert.note = trimmed;
    return alert;
  }

  openAlerts(world: World): ModelAlert[] {
    return this.alerts.filter((a) => a.world === world);
  }
}

/**
 * A ratio of capacity as a number of persons: the least occupancy the band counts as at or over the
 * line (the same comparison as the band, occupancy / capacity ≥ ratio), so that an alert's value is
 * never below its own threshold.
 */
export function personsAtRatio(ratio: number, capacity: number): number {
  let n = Math.max(0, Math.floor(ratio * capacity) - 1);
  while (n / capacity < ratio) n += 1;
  return n;
}
