// The public interface's data, as zod schemas: the schema is the type (the interface itself: docs/api.md).
import { z } from 'zod';
import { canonicalInstant } from './time.ts';

/** Largest count we accept in one field: far above any real crossing, low enough to catch a typo of many digits. */
export const MAX_COUNT = 1_000_000;
/** A report may be stamped this far ahead of the server clock (phones drift); later is refused (422). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** At most this many reports in one POST. */
export const MAX_BATCH = 500;

/** OCHA COD-AB p-code of a governorate, IQG01 … IQG18. */
export const Pcode = z.string().regex(/^IQG(0[1-9]|1[0-8])$/, 'must be a governorate p-code IQG01 … IQG18');
export type Pcode = z.infer<typeof Pcode>;

/** A site id: a lower-case slug, stable across releases of the registry. */
export const SiteId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a lower-case slug (a-z, 0-9, -), at most 64 characters');

/**
 * An ISO 8601 instant with an offset. zod's pattern alone accepts 2026-02-30, so the calendar is
 * checked too: the date must survive a round trip through its own fields.
 */
export const Instant = z.iso
  .datetime({ offset: true })
  .refine(isCalendarDate, { message: 'is not a real calendar date and time' });
export type Instant = z.infer<typeof Instant>;

function isCalendarDate(iso: string): boolean {
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) ?? [];
  if (!y) return false;
  const daysInMonth = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
  return Number(d) >= 1 && Number(d) <= daysInMonth && Number.isFinite(Date.parse(iso));
}

const Count = z.number().int().min(0).max(MAX_COUNT);

/** A control character (C0, DEL, C1): nothing a person types in a name, and a way to break exports. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but a line feed is allowed: a note may have lines. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_BUT_LINE_FEED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** A name: trimmed, 1 to 200 characters, no control characters. */
const Name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters (line breaks, tabs)');

export const SiteKind = z.enum(['checkpoint', 'shelter', 'health_post']);
export type SiteKind = z.infer<typeof SiteKind>;

export const CoordinateQuality = z.enum([
  'crossing_point',
  'camp_gps',
  'nearest_town',
  'neighbour_side_village',
  'secondary_unverified',
  'unlocated',
  'representative',
]);
export type CoordinateQuality = z.infer<typeof CoordinateQuality>;

/** A site as the API shows it; the extra registry fields are optional so that PUT stays simple. */
/**
 * A site's short code, as a lead types it in an SMS (`A IK 250 1h`) and reads it on an enrolment
 * card: 2 to 8 capital letters and digits, a letter first, unique in the registry.
 */
export const SiteCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,7}$/, 'must be 2 to 8 capital letters and digits, starting with a letter (IK, DOM1)');

export const Site = z.strictObject({
  id: SiteId,
  /** short and unique, for SMS and enrolment cards; optional so that a site added by PUT may lack one */
  code: SiteCode.optional(),
  kind: SiteKind,
  nameEn: Name,
  nameAr: Name,
  nameCkb: Name.optional(),
  governorate: Pcode,
  // null where no source gives a verified coordinate: such a site reports but is not drawn.
  lon: z.number().min(-180).max(180).nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  capacity: z.number().int().min(1).max(MAX_COUNT).optional(),
  capacityEstimated: z.boolean().optional(),
  coordinateQuality: CoordinateQuality.optional(),
  // true for a site added to stand for a typical facility (a clinic at a camp), not taken from a source.
  representative: z.boolean().optional(),
  sources: z.array(z.string().max(500)).max(20).optional(),
  /**
   * When the site closed (POST /api/sites/:id/close), or absent/null while it is open. A closed site
   * keeps its history: its reports stay in the log, the exports and every picture of a moment before
   * it closed; it takes no new report and leaves the live picture.
   */
  closedAt: Instant.nullable().optional(),
});
export type Site = z.infer<typeof Site>;

/** Whether a site is closed at `atMs`: it closed at or before that moment and has not reopened. */
export function isClosedAt(site: Pick<Site, 'closedAt'>, atMs: number): boolean {
  return typeof site.closedAt === 'string' && Date.parse(site.closedAt) <= atMs;
}

export const Governorate = z.strictObject({
  pcode: Pcode,
  nameEn: z.string(),
  nameAr: z.string(),
  nameCkb: z.string(),
});
export type Governorate = z.infer<typeof Governorate>;

export const HealthStatus = z.enum(['operational', 'limited', 'closed']);
export type HealthStatus = z.infer<typeof HealthStatus>;

const reportBase = {
  id: z.uuid(),
  siteId: SiteId,
  observedAt: Instant,
};

/** Where arrivals say they are heading: a governorate, or `unknown` for those who did not say. */
export const DestinationKey = z.union([Pcode, z.literal('unknown')]);
export type DestinationKey = z.infer<typeof DestinationKey>;
/** Persons of one arrivals report heading to one destination: aggregates only, never a person. */
export const Destination = z.strictObject({ to: DestinationKey, persons: Count });
export type Destination = z.infer<typeof Destination>;

const arrivalsFields = {
  kind: z.literal('arrivals'),
  arrivals: Count,
  periodMinutes: z.number().int().min(1).max(1440),
  departures: Count.optional(),
  households: Count.optional(),
  /** intended destinations of these arrivals, each governorate at most once; they sum to at most `arrivals` */
  destinations: z.array(Destination).max(19).optional(),
};

/**
 * The destinations of an arrivals report hold together: each destination once, and no more persons
 * heading anywhere than arrived. Shared by the report and the scenario event, which omits the id.
 */
export function checkDestinations(
  report: { arrivals: number; destinations?: Destination[] | undefined },
  ctx: z.RefinementCtx,
): void {
  const destinations = report.destinations ?? [];
  const seen = new Set<string>();
  destinations.forEach((d, i) => {
    if (seen.has(d.to)) ctx.addIssue({ code: 'custom', path: ['destinations', i, 'to'], message: `names ${d.to} twice` });
    seen.add(d.to);
  });
  const heading = destinations.reduce((sum, d) => sum + d.persons, 0);
  if (heading > report.arrivals) {
    ctx.addIssue({
      code: 'custom',
      path: ['destinations'],
      message: `count ${heading} persons, more than the ${report.arrivals} arrivals`,
    });
  }
}

export const ArrivalsReport = z.strictObject({ ...reportBase, ...arrivalsFields }).superRefine(checkDestinations);
/** The arrivals fields without identity or time, for scenario events (refinements do not survive omit). */
export const ArrivalsFields = z.strictObject({ siteId: SiteId, ...arrivalsFields });
export const OccupancyReport = z.strictObject({
  ...reportBase,
  kind: z.literal('occupancy'),
  occupancy: Count,
});
export const HealthReport = z.strictObject({
  ...reportBase,
  kind: z.literal('health'),
  status: HealthStatus,
  note: z
    .string()
    .max(500)
    .refine((s) => !CONTROL_BUT_LINE_FEED.test(s), 'must not contain control characters other than a line feed')
    .optional(),
});

export const Report = z.discriminatedUnion('kind', [ArrivalsReport, OccupancyReport, HealthReport]);
export type Report = z.infer<typeof Report>;
export type ReportKind = Report['kind'];

/**
 * A report as it is identified and stored: the id in lower case (a UUID is case-insensitive) and
 * `observedAt` in one spelling per instant, so that a retry written differently is the same report.
 */
export function canonicalReport<R extends Report>(report: R): R {
  return { ...report, id: report.id.toLowerCase(), observedAt: canonicalInstant(report.observedAt) };
}

/** Which site kind each report kind belongs to. */
export const REPORT_KIND_FOR_SITE: Record<SiteKind, ReportKind> = {
  checkpoint: 'arrivals',
  shelter: 'occupancy',
  health_post: 'health',
};

/** The body of POST /api/reports: one report, or a batch. */
export const ReportBatch = z.strictObject({ reports: z.array(Report).min(1).max(MAX_BATCH) });
export const ReportPost = z.union([ReportBatch, Report]);
export type ReportPost = z.infer<typeof ReportPost>;

/**
 * Which picture a report belongs to: the real one, or a drill's exercise world. The two are built
 * by the same code from two filters of one log; nothing in one ever changes the other.
 */
export const World = z.enum(['real', 'exercise']);
export type World = z.infer<typeof World>;
export const WORLDS: readonly World[] = World.options;

/** A report as the log keeps it: what the client sent, plus when the server stored it. */
export type StoredReport = Report & { receivedAt: string; exercise?: boolean };

/** The world a stored report belongs to: the one place that reads the row's flag. */
export function worldOf(report: Pick<StoredReport, 'exercise'>): World {
  return report.exercise ? 'exercise' : 'real';
}

/**
 * Something a stored report should make its sender look again at, without refusing it. `overlap`:
 * an arrivals report whose period overlaps an earlier report of the same site and world, so the two
 * may count the same people (a resend doubles the count).
 */
export const ReportWarning = z.object({
  /** the posted report, its id as sent */
  reportId: z.string(),
  code: z.literal('overlap'),
  message: z.string(),
  earlier: z.object({ id: z.string(), observedAt: z.string(), periodMinutes: z.number().int(), arrivals: z.number().int() }),
});
export type ReportWarning = z.infer<typeof ReportWarning>;

export const PostReportsAnswer = z.object({
  accepted: z.array(z.string()),
  duplicate: z.array(z.string()),
  /** present when a posted report deserves a second look; the reports are stored all the same */
  warnings: z.array(ReportWarning).optional(),
});
export type PostReportsAnswer = z.infer<typeof PostReportsAnswer>;

// ---- Thresholds -------------------------------------------------------------------------------

const PositiveCount = z.number().int().min(1).max(MAX_COUNT);

/**
 * A record keyed by ids a person chose. zod silently drops an own `__proto__` key (assigning it
 * would replace the record's prototype); here it is refused with an issue naming it, so that a
 * threshold the coordinator typed is never lost without a word. Other keys that exist on
 * Object.prototype (`constructor`) are ordinary ids here: every lookup reads own entries only
 * (`ownEntry` in bands.ts).
 */
function idRecord<K extends z.ZodType<string, string>, V extends z.ZodType>(key: K, value: V) {
  return z.preprocess((input, ctx) => {
    if (input !== null && typeof input === 'object' && Object.hasOwn(input, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is not an allowed key', input });
    }
    return input;
  }, z.record(key, value));
}
const Hours = z.number().min(0.25).max(720);

/** An origin-destination pair of governorates, `IQG09>IQG11`: from Duhok to Erbil. */
export const TravelPair = z
  .string()
  .regex(/^IQG(0[1-9]|1[0-8])>IQG(0[1-9]|1[0-8])$/, 'must be two governorate p-codes, origin>destination (IQG09>IQG11)')
  .refine((pair) => pair.slice(0, 5) !== pair.slice(6), 'must name two different governorates');
/** A typical travel time between two governorates: at least a quarter of an hour, at most three days. */
const TravelHours = z.number().min(0.25).max(72);

export const Thresholds = z.strictObject({
  checkpointSurge: z.strictObject({
    /** arrivals in the last hour at one checkpoint: warning at this, critical at twice it */
    arrivals1h: PositiveCount,
    perSite: idRecord(SiteId, PositiveCount).default({}),
  }),
  governorateInflux: z.strictObject({
    /** arrivals in the last 24 h in one governorate: warning at this, critical at twice it */
    arrivals24h: PositiveCount,
    perGovernorate: idRecord(Pcode, PositiveCount).default({}),
  }),
  shelterCapacity: z
    .strictObject({
      warningRatio: z.number().min(0.1).max(5),
      criticalRatio: z.number().min(0.1).max(5),
    })
    .refine((t) => t.criticalRatio >= t.warningRatio, {
      message: 'criticalRatio must be at least warningRatio',
      path: ['criticalRatio'],
    }),
  siteSilent: z.strictObject({
    /** hours without a report before a site that has reported is called silent */
    hours: Hours,
    /** by site kind: shelters and clinics report once or twice a day, checkpoints every few hours */
    perKind: z.partialRecord(SiteKind, Hours).default({}),
    perSite: idRecord(SiteId, Hours).default({}),
  }),
  capacityExhaustion: z
    .strictObject({
      warningHours: Hours,
      criticalHours: Hours,
      /** share of arrivals that seek a place in a shelter, 0 … 1 */
      shelterShare: z.number().min(0).max(1),
      /** half-life of the exponentially weighted inflow rate, in hours */
      smoothingHours: Hours,
      /**
       * shelterShare for one governorate, where its crossings carry routine traffic (traders,
       * pilgrims, returnees) that needs no shelter: see docs/forecast.md
       */
      shelterSharePerGovernorate: idRecord(Pcode, z.number().min(0).max(1)).optional(),
    })
    .refine((t) => t.criticalHours <= t.warningHours, {
      message: 'criticalHours must be at most warningHours',
      path: ['criticalHours'],
    })
    .optional(),
  /**
   * Onward movement (shared/onward.ts, docs/forecast.md): persons expected in a governorate in the
   * next 24 h from checkpoints elsewhere, and the travel time of each origin-destination pair.
   * Optional, like capacityExhaustion, for thresholds stored before the rule.
   */
  onwardInflux: z
    .strictObject({
      /** persons expected in the next 24 h: warning at this, critical at twice it */
      persons24h: PositiveCount,
      perGovernorate: idRecord(Pcode, PositiveCount).default({}),
      /** typical hours from a checkpoint in the origin to the destination, keyed `IQG09>IQG11` */
      travelHours: idRecord(TravelPair, TravelHours).default({}),
    })
    .optional(),
});
export type Thresholds = z.infer<typeof Thresholds>;

/** PUT /api/thresholds/travel-times: travel times to change, by pair; the others stay as they are. */
export const TravelTimesBody = z.strictObject({
  travelHours: idRecord(TravelPair, TravelHours).refine((r) => Object.keys(r).length > 0, 'must name at least one pair'),
});
export type TravelTimesBody = z.infer<typeof TravelTimesBody>;

// ---- Projection: what screens show -----------------------------------------------------------

export const HealthPostCounts = z.object({
  operational: z.number().int(),
  limited: z.number().int(),
  closed: z.number().int(),
  unknown: z.number().int(),
});
export type HealthPostCounts = z.infer<typeof HealthPostCounts>;

export const Rollup = z.object({
  arrivals1h: z.number().int(),
  arrivals24h: z.number().int(),
  /** persons in the shelters with a current report (one within the shelter's silence window) */
  occupancy: z.number().int(),
  /** capacity of those same shelters, so that occupancy / capacity says how full they are */
  capacity: z.number().int(),
  /** occupancy / capacity; null when no shelter with a capacity has a current report ("no data", never 0 %) */
  occupancyRatio: z.number().min(0).nullable(),
  /** shelters in the registry */
  shelters: z.number().int(),
  /** of which with a current report */
  sheltersReporting: z.number().int(),
  /** capacity of the shelters without a current report: places whose occupancy nobody knows */
  capacityUnknown: z.number().int(),
  healthPosts: HealthPostCounts,
});
export type Rollup = z.infer<typeof Rollup>;

/**
 * Why a governorate's capacity forecast says what it says: `projected` carries hours until full;
 * `full` means no place is left; the others explain why there is no projection (see docs/forecast.md).
 */
export const ForecastStatus = z.enum(['projected', 'full', 'no_inflow', 'thin_data', 'no_occupancy', 'no_shelters']);
export type ForecastStatus = z.infer<typeof ForecastStatus>;

/** Inflow against shelter capacity in one governorate, with the assumptions it rests on. */
export const CapacityForecast = z.object({
  status: ForecastStatus,
  /** arrivals per hour, exponentially weighted; null when the inflow is too thin to say */
  inflowPerHour: z.number().min(0).nullable(),
  /** the plausible range of the inflow rate (see docs/forecast.md) */
  inflowLowPerHour: z.number().min(0).nullable(),
  inflowHighPerHour: z.number().min(0).nullable(),
  /** arrival reports in the last 24 h that the rate rests on */
  arrivalReports: z.number().int().min(0),
  shelterShare: z.number().min(0).max(1),
  smoothingHours: z.number(),
  /** capacity minus occupancy of the shelters that have reported an occupancy */
  remainingCapacity: z.number().int().min(0),
  sheltersReporting: z.number().int().min(0),
  shelters: z.number().int().min(0),
  /** projected hours until full at the smoothed inflow, whole hours; null when there is no projection */
  hoursToFull: z.number().min(0).nullable(),
  /** soonest plausible (at the high inflow) and latest (at the low inflow; null when that is no inflow) */
  hoursToFullLow: z.number().min(0).nullable(),
  hoursToFullHigh: z.number().min(0).nullable(),
  /**
   * persons per hour expected from checkpoints in other governorates over the next 24 h, added to
   * the inflow: present when any are expected (docs/forecast.md, "Onward movement")
   */
  onwardPerHour: z.number().min(0).optional(),
  /** the share of the projected inflow that is onward movement, 0 … 1 */
  onwardShare: z.number().min(0).max(1).optional(),
});
export type CapacityForecast = z.infer<typeof CapacityForecast>;

/** Persons heading to one governorate from checkpoints in one other governorate (shared/onward.ts). */
export const OnwardOrigin = z.object({
  origin: Pcode,
  /** persons reported at the origin's checkpoints in the last 24 h as heading here */
  heading24h: z.number().int().min(0),
  /** of which in the last 6 h */
  heading6h: z.number().int().min(0),
  /** of the persons heading here, those expected to arrive in the next 24 h */
  expected24h: z.number().int().min(0),
  /** the typical travel time from the origin, in hours, that the expectation rests on */
  travelHours: z.number().min(0),
});
export type OnwardOrigin = z.infer<typeof OnwardOrigin>;

/** The onward movement towards one governorate: who is heading here, from where, and when they are expected. */
export const OnwardFigures = z.object({
  heading24h: z.number().int().min(0),
  heading6h: z.number().int().min(0),
  expected24h: z.number().int().min(0),
  /** persons expected in each of the next 24 hours, the coming hour first */
  expectedByHour: z.array(z.number().int().min(0)).length(24),
  /** by origin governorate, most expected first */
  byOrigin: z.array(OnwardOrigin),
});
export type OnwardFigures = z.infer<typeof OnwardFigures>;

export const GovernorateRollup = Rollup.extend({
  pcode: Pcode,
  activeAlerts: z.number().int(),
  forecast: CapacityForecast.optional(),
  /** onward movement towards this governorate (docs/forecast.md); absent in pictures from before it */
  onward: OnwardFigures.optional(),
});
export type GovernorateRollup = z.infer<typeof GovernorateRollup>;

export const SiteState = z.object({
  id: z.string(),
  lastReportAt: z.string().nullable(),
  arrivals1h: z.number().int().optional(),
  arrivals24h: z.number().int().optional(),
  /** a checkpoint's arrivals observed in the hour before the last, (now − 2 h, now − 1 h] */
  arrivalsPrev1h: z.number().int().optional(),
  occupancy: z.number().int().optional(),
  status: HealthStatus.optional(),
});
export type SiteState = z.infer<typeof SiteState>;

export const AlertRule = z.enum([
  'checkpoint_surge',
  'governorate_influx',
  'shelter_capacity',
  'health_post_down',
  'site_silent',
  'capacity_exhaustion',
  'onward_influx',
]);
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertState = z.enum(['active', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;

export const Severity = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const Alert = z.object({
  id: z.string(),
  rule: AlertRule,
  severity: Severity,
  siteId: z.string().optional(),
  governorate: Pcode,
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
  /** onward_influx: the origin governorates of the persons expected, most first */
  origins: z.array(Pcode).optional(),
  state: AlertState,
  raisedAt: z.string(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  note: z.string().optional(),
  resolvedAt: z.string().optional(),
  /** last change of severity, value or state: lets a client or a CAP feed order updates */
  updatedAt: z.string(),
});
export type Alert = z.infer<typeof Alert>;

export const AckBody = z.strictObject({
  note: z
    .string()
    .trim()
    .max(500)
    .refine((s) => !CONTROL_BUT_LINE_FEED.test(s), 'must not contain control characters other than a line feed')
    .optional(),
});

export const Snapshot = z.object({
  seq: z.number().int(),
  at: z.string(),
  /** the picture this is: the real one, or a drill's exercise world */
  world: World,
  national: Rollup,
  governorates: z.array(GovernorateRollup),
  sites: z.array(SiteState),
  alerts: z.array(Alert),
  /** the rules the alerts were judged by */
  thresholds: Thresholds,
  /** present on GET /api/snapshot?at=: a picture of the past as it was known then, not the live one */
  historic: z.literal(true).optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const Update = z.object({
  seq: z.number().int(),
  at: z.string(),
  world: World,
  governorates: z.array(GovernorateRollup),
  sites: z.array(SiteState),
  national: Rollup,
  alerts: z.array(Alert),
  /** present when the thresholds changed: every dashboard judges by the new ones at once */
  thresholds: Thresholds.optional(),
});
export type Update = z.infer<typeof Update>;

/** One site's values in one bucket of a series: a checkpoint's flows, a shelter's level. */
export const SiteSeriesValues = z.object({
  arrivals: z.number().int().optional(),
  departures: z.number().int().optional(),
  occupancy: z.number().int().optional(),
  capacity: z.number().int().optional(),
});
export type SiteSeriesValues = z.infer<typeof SiteSeriesValues>;

export const SeriesPoint = z.object({
  /** the bucket's start (an hour in the v1 series, whatever the bucket is) */
  hour: z.string(),
  arrivals: z.number().int(),
  /** departures reported with the arrivals, where a checkpoint reports them */
  departures: z.number().int(),
  /** persons in the shelters with a current report at the bucket's end, as the live rollup counts them */
  occupancy: z.number().int(),
  /** capacity of those same shelters */
  capacity: z.number().int(),
  /** with ?by=site: each site's own values, by site id (checkpoints that reported, current shelters) */
  bySite: z.record(z.string(), SiteSeriesValues).optional(),
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

/**
 * The series' query: the v1 `hours` (the last N hours, hourly), or a range `from`–`to` with a
 * `bucket` (15m, 1h, 6h or 1d; chosen from the range when absent), and `by=site` for each site's own
 * values. The checks a schema cannot make (order, length, the future) are made by the route.
 */
export const SeriesQueryFields = z.object({
  hours: z.coerce.number().int().min(1).max(720).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  bucket: z.enum(['15m', '1h', '6h', '1d']).optional(),
  by: z.literal('site').optional(),
});
export const SeriesQuery = SeriesQueryFields.refine((q) => q.hours === undefined || (q.from === undefined && q.to === undefined), {
    message: 'give hours, or from and to, not both',
    path: ['hours'],
  });
export type SeriesQuery = z.infer<typeof SeriesQuery>;

/** `GET /api/sites/:id/reports`: the last `hours` (1 to 48, default 24) by observedAt. */
export const RecentReportsQuery = z.strictObject({
  hours: z.coerce.number().int().min(1).max(48).default(24),
});
/** At most this many of a site's recent reports are answered, newest first. */
export const RECENT_REPORTS_MAX = 50;

// ---- Tokens and roles -------------------------------------------------------------------------

export const Role = z.enum(['viewer', 'analyst', 'reporter', 'coordinator', 'admin']);
export type Role = z.infer<typeof Role>;

export const TokenRequest = z
  .strictObject({
    role: Role,
    sites: z.array(SiteId).max(500).optional(),
    label: z.string().trim().min(1).max(100).refine((s) => !CONTROL.test(s), 'must not contain control characters (line breaks, tabs)'),
    /** a drill's token: every report it posts is stored as exercise data, which can be cleared */
    exercise: z.boolean().optional(),
    /** after this instant the token is refused (401 saying it expired), as if revoked */
    expiresAt: Instant.optional(),
  })
  .refine((t) => t.role !== 'reporter' || (t.sites?.length ?? 0) > 0, {
    message: 'a reporter token must name at least one site',
    path: ['sites'],
  })
  .refine((t) => !t.exercise || t.role === 'reporter', {
    message: 'only a reporter token can be an exercise token',
    path: ['exercise'],
  });
export type TokenRequest = z.infer<typeof TokenRequest>;

/** POST /api/phones: a staff phone that may report by SMS for the sites of a reporter token. */
export const PhoneRequest = z.strictObject({
  /** E.164 (`+9647501234512`); spaces and dashes are allowed, a national `07…` is not */
  number: z.string().max(40),
  /** the id of a reporter token (POST /api/tokens answers it): the phone reports for its sites */
  tokenId: z.string().min(1).max(100),
  label: z.string().trim().min(1).max(100).refine((s) => !CONTROL.test(s), 'must not contain control characters (line breaks, tabs)'),
});
export type PhoneRequest = z.infer<typeof PhoneRequest>;

/** A registered phone as the API shows it: masked, never the number. */
export const Phone = z.object({
  id: z.string(),
  /** `+9647•••••••12` */
  masked: z.string(),
  label: z.string(),
  tokenId: z.string(),
  tokenLabel: z.string(),
  /** the sites it reports for: its token's */
  sites: z.array(z.string()),
  /** its token is revoked: the phone's messages are refused */
  revoked: z.boolean(),
  exercise: z.boolean(),
  createdAt: z.string(),
});
export type Phone = z.infer<typeof Phone>;

/** The answer to POST /api/tokens: the secret, shown this once and stored nowhere, and the id that revokes it. */
export const IssuedToken = z.object({ token: z.string(), id: z.string() });
export type IssuedToken = z.infer<typeof IssuedToken>;

/** A token label: what the list and the audit log call the device or person. */
export const TokenLabel = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters (line breaks, tabs)');

/** Whether a token is let in now: revoked and expired tokens are refused alike. */
export const TokenState = z.enum(['active', 'revoked', 'expired']);
export type TokenState = z.infer<typeof TokenState>;

/** A token as GET /api/tokens lists it: everything but the secret, which is never stored. */
export const TokenInfo = z.object({
  id: z.string(),
  role: Role,
  sites: z.array(z.string()),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
  /** the last request it made, to the minute: stored at most once a minute per token */
  lastUsedAt: z.string().optional(),
  exercise: z.boolean().optional(),
  state: TokenState,
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** GET /api/tokens: which tokens to list. */
export const TokenListQuery = z.strictObject({
  role: Role.optional(),
  state: TokenState.optional(),
  /** a word found in the label, the id or a site id (case-insensitive) */
  q: z.string().max(100).optional(),
  site: SiteId.optional(),
});
export type TokenListQuery = z.infer<typeof TokenListQuery>;

/**
 * POST /api/tokens/batch: one reporter token per site of a governorate (of the kinds given, all when
 * none are), each labelled "<label> · <site name>". All are issued, or none.
 */
export const TokenBatchRequest = z.strictObject({
  governorate: Pcode,
  kinds: z.array(z.enum(['checkpoint', 'shelter', 'health_post'])).min(1).max(3).optional(),
  label: TokenLabel,
  expiresAt: Instant.optional(),
  exercise: z.boolean().optional(),
});
export type TokenBatchRequest = z.infer<typeof TokenBatchRequest>;

/** The answer to a batch: each token's secret, shown this once, with its site. */
export const IssuedTokenBatch = z.object({
  tokens: z.array(z.object({ token: z.string(), id: z.string(), siteId: z.string(), label: z.string() })),
});
export type IssuedTokenBatch = z.infer<typeof IssuedTokenBatch>;

/** POST /api/tokens/revoke: revoke these tokens, all or none. */
export const TokenRevokeRequest = z.strictObject({ ids: z.array(z.string().min(1).max(100)).min(1).max(500) });
export type TokenRevokeRequest = z.infer<typeof TokenRevokeRequest>;

export const TokensRevoked = z.object({ revoked: z.array(z.string()) });
export type TokensRevoked = z.infer<typeof TokensRevoked>;

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- Geography --------------------------------------------------------------------------------

// A tuple, so that a position's longitude and latitude are known to be there.
// An array of 2 or 3 numbers, typed as the tuple that min(2) guarantees so that code may read
// longitude and latitude unchecked. (A zod tuple would say the same, but the OpenAPI generator
// drops its length, which the documents' validator rightly refuses.)
const Position = z.array(z.number()).min(2).max(3) as unknown as z.ZodType<[number, number, ...number[]]>;
const LinearRing = z.array(Position).min(4);
export const PolygonGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(LinearRing).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(LinearRing).min(1)).min(1) }),
]);

export const GovernorateFeature = z.object({
  type: z.literal('Feature'),
  properties: Governorate.extend({ labelLon: z.number(), labelLat: z.number() }),
  geometry: PolygonGeometry,
});
export type GovernorateFeature = z.infer<typeof GovernorateFeature>;

export const GovernorateCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(GovernorateFeature).length(18),
});
export type GovernorateCollection = z.infer<typeof GovernorateCollection>;

/** A map context layer (outline, neighbours, rivers): any GeoJSON features, drawn as they are. */
export const ContextCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.record(z.string(), z.unknown()).nullable(),
      geometry: z.looseObject({ type: z.string(), coordinates: z.array(z.unknown()) }),
    }),
  ),
});
export type ContextCollection = z.infer<typeof ContextCollection>;

/** GET /api/me: who the token belongs to, so a screen shows only what the role may do. */
export const Whoami = z.object({ role: Role, label: z.string(), sites: z.array(z.string()) });
export type Whoami = z.infer<typeof Whoami>;

// ---- Answers that had no schema of their own -------------------------------------------------

/** GET /api/health: needs no token, so a load balancer can ask it. */
export const Health = z.object({ status: z.literal('ok'), storage: z.enum(['sqlite', 'postgres']), version: z.string() });
export type Health = z.infer<typeof Health>;

/**
 * GET /api/health with a 503: the store does not answer, so traffic should go to another instance.
 * It is an error like any other (`error`), and keeps health's own fields for a load balancer's probe.
 */
export const HealthUnavailable = z.object({
  status: z.literal('unavailable'),
  storage: z.literal('unavailable'),
  version: z.string(),
  error: z.object({ code: z.literal('unavailable'), message: z.string() }),
});
export type HealthUnavailable = z.infer<typeof HealthUnavailable>;

/** GET /api/health/live: the process runs and answers, whatever the database does. */
export const HealthLive = z.object({ status: z.literal('ok'), version: z.string() });
export type HealthLive = z.infer<typeof HealthLive>;

/**
 * The Socket.IO handshake's `auth`: the same bearer token as HTTP, and `exercise: true` to watch a
 * drill's exercise world instead of the real one.
 */
export const SocketAuth = z.object({ token: z.string(), exercise: z.boolean().optional() });
export type SocketAuth = z.infer<typeof SocketAuth>;

/** DELETE /api/exercise: how many drill reports were deleted. */
export const ExerciseCleared = z.object({ deleted: z.number().int().min(0) });
export type ExerciseCleared = z.infer<typeof ExerciseCleared>;

// ---- Importing the site registry --------------------------------------------------------------

/** POST /api/sites/import: a CSV of sites (columns: docs/standards.md), previewed or applied. */
export const SiteImportRequest = z.strictObject({
  csv: z.string().min(1).max(1_000_000),
  /** false (the default): a dry run that changes nothing */
  apply: z.boolean().optional(),
});
export type SiteImportRequest = z.infer<typeof SiteImportRequest>;

/** What an import does, or would do, to each site of the file. */
export const SiteImportChange = z.object({
  id: z.string(),
  change: z.enum(['new', 'changed', 'unchanged', 'refused']),
  fields: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  /** why a row is refused */
  reason: z.string().optional(),
  /** the file's line */
  line: z.number().int().min(1).optional(),
});
export type SiteImportChange = z.infer<typeof SiteImportChange>;

export const SiteImportAnswer = z.object({
  changes: z.array(SiteImportChange),
  /** rows that are not sites at all (a bad header, a missing field): none is imported while any is here */
  problems: z.array(z.object({ line: z.number().int(), message: z.string() })),
  /** points outside their governorate (beyond the border tolerance for crossings): warnings, not refusals */
  warnings: z.array(z.string()),
  applied: z.boolean(),
});
export type SiteImportAnswer = z.infer<typeof SiteImportAnswer>;
