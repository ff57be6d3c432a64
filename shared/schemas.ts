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
export const Site = z.strictObject({
  id: SiteId,
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
});
export type Site = z.infer<typeof Site>;

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

export const PostReportsAnswer = z.object({ accepted: z.array(z.string()), duplicate: z.array(z.string()) });
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
});
export type Thresholds = z.infer<typeof Thresholds>;

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
});
export type CapacityForecast = z.infer<typeof CapacityForecast>;

export const GovernorateRollup = Rollup.extend({
  pcode: Pcode,
  activeAlerts: z.number().int(),
  forecast: CapacityForecast.optional(),
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

/** The answer to POST /api/tokens: the secret, shown this once and stored nowhere, and the id that revokes it. */
export const IssuedToken = z.object({ token: z.string(), id: z.string() });
export type IssuedToken = z.infer<typeof IssuedToken>;

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- Geography --------------------------------------------------------------------------------

const Position = z.array(z.number()).min(2).max(3);
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
