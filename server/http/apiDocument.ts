// The HTTP API as an OpenAPI 3.1 document, generated from the shared zod schemas the server parses with.
//
// Generator: @asteasolutions/zod-to-openapi (9.x, peer zod ^4). It runs on the Node 20 that Amina
// supports (zod-openapi 6 declares node >= 22.14), has an OpenAPI 3.1 generator, and lets this file
// name the shared schemas as components from outside shared/schemas.ts, through its metadata
// registry: shared/ stays free of OpenAPI code and zod is not patched.
import { OpenAPIRegistry, OpenApiGeneratorV31, zodToOpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { z } from 'zod';
import {
  AckBody,
  Alert,
  AlertState,
  ArrivalsReport,
  CapacityForecast,
  ContextCollection,
  ErrorBody,
  ExerciseCleared,
  GovernorateCollection,
  GovernorateRollup,
  Health,
  HealthLive,
  HealthPostCounts,
  HealthReport,
  HealthUnavailable,
  Instant,
  IssuedToken,
  MAX_BATCH,
  OccupancyReport,
  OnwardFigures,
  OnwardOrigin,
  Pcode,
  Phone,
  PhoneRequest,
  PostReportsAnswer,
  RECENT_REPORTS_MAX,
  RecentReportsQuery,
  Report,
  ReportBatch,
  ReportWarning,
  ReportPost,
  Rollup,
  SeriesPoint,
  SeriesQueryFields,
  Site,
  SiteId,
  SiteState,
  Snapshot,
  Thresholds,
  TravelTimesBody,
  IssuedTokenBatch,
  SiteImportAnswer,
  SiteImportRequest,
  TokenBatchRequest,
  TokenInfo,
  TokenListQuery,
  TokenRequest,
  TokenRevokeRequest,
  TokensRevoked,
  TokenState,
  Update,
  Whoami,
  type Role,
} from '../../shared/schemas.ts';
import { MAX_AUDIT_PAGE } from '../audit.ts';
import { CONTEXT_LAYERS } from '../fixtures.ts';
import { CurrentDrill, DrillStart, DrillStatus, ScenarioSummary } from '../../shared/scenario.ts';
import { ThresholdPreview } from '../../shared/thresholdPreview.ts';
import { AuditAction, AuditEntry } from '../storage/store.ts';
import { KannelQuery } from '../sms/kannel.ts';
import type { FieldProblem as FieldProblemShape } from './apiError.ts';

// ---- Named schemas: components of both documents ------------------------------------------------

/** One bad field of a request, as every 400, 403 (site) and 422 names it in `details`. */
const FieldProblem = z.object({ field: z.string(), message: z.string() });
// The zod schema describes the server's FieldProblem interface; this line fails to compile if they part.
const _fieldProblemMatches: FieldProblemShape = {} as z.infer<typeof FieldProblem>;

/** An ErrorBody whose `code` is one of `codes`, with `details` of the given shape, or none at all. */
function errorBody(codes: readonly [string, ...string[]], details?: z.ZodType) {
  const { details: _unknownDetails, ...error } = ErrorBody.shape.error.shape;
  return ErrorBody.extend({
    error: z.object({ ...error, code: z.enum(codes), ...(details ? { details: details.optional() } : {}) }),
  });
}

const fieldProblems = z.array(FieldProblem);
const retryAfter = z.object({ retryAfterSeconds: z.number().int().min(1) });

/** Every error body is the shared ErrorBody; these say which codes and details go with which status. */
export const ERROR_SCHEMAS = {
  BadRequestError: errorBody(['invalid', 'malformed', 'bad_request'], fieldProblems),
  UnauthorizedError: errorBody(['unauthorized']),
  ForbiddenError: errorBody(['forbidden'], fieldProblems),
  NotFoundError: errorBody(['not_found']),
  ReportConflictError: errorBody(['conflict'], z.object({ ids: z.array(z.string()) })),
  AlertResolvedError: errorBody(['conflict'], z.object({ state: AlertState })),
  DrillConflictError: errorBody(['conflict']),
  /** closing a closed site, or reopening an open one: `closedAt` says which it is */
  SiteClosingConflictError: errorBody(['conflict'], z.object({ closedAt: Instant.nullable() })),
  TooLargeError: errorBody(['too_large']),
  UnsupportedMediaTypeError: errorBody(['bad_request']),
  UnprocessableError: errorBody(['unprocessable'], fieldProblems),
  RateLimitedError: errorBody(['rate_limited'], retryAfter),
  UnavailableError: errorBody(['unavailable']),
  InternalError: errorBody(['internal']),
};

/**
 * The schemas both documents name, by component name. A shared schema used inside another (an Alert
 * in a Snapshot) becomes a $ref to its component rather than a copy.
 */
export const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  Health,
  HealthUnavailable,
  HealthLive,
  Site,
  Report,
  ArrivalsReport,
  OccupancyReport,
  HealthReport,
  ReportBatch,
  PostReportsAnswer,
  ReportWarning,
  Thresholds,
  TravelTimesBody,
  HealthPostCounts,
  Rollup,
  CapacityForecast,
  OnwardOrigin,
  OnwardFigures,
  GovernorateRollup,
  SiteState,
  Alert,
  AckBody,
  Snapshot,
  Update,
  SeriesPoint,
  TokenRequest,
  IssuedToken,
  TokenInfo,
  TokenBatchRequest,
  IssuedTokenBatch,
  TokenRevokeRequest,
  TokensRevoked,
  SiteImportRequest,
  SiteImportAnswer,
  Whoami,
  Phone,
  PhoneRequest,
  AuditEntry,
  ThresholdPreview,
  ScenarioSummary,
  DrillStart,
  DrillStatus,
  CurrentDrill,
  ExerciseCleared,
  GovernorateCollection,
  ContextCollection,
  FieldProblem,
  ErrorBody,
  ...ERROR_SCHEMAS,
};

for (const [refId, schema] of Object.entries(NAMED_SCHEMAS)) {
  zodToOpenAPIRegistry.add(schema, { ...zodToOpenAPIRegistry.get(schema), _internal: { refId } });
}

// ---- Parameters ---------------------------------------------------------------------------------

const exerciseParam = z
  .enum(['only'])
  .optional()
  .meta({
    param: {
      description:
        'Which world to read: absent, the real one (the default everywhere); `only`, the exercise world of a drill. ' +
      '(`?exercise` alone, `true` and `1` are read as `only`; any other value is a 400 naming `exercise`.)',
    },
  });

// ---- Operations ---------------------------------------------------------------------------------

/** Who may call an operation: no token, any valid token, or a role and those ranked above it. */
type LeastRole = 'none' | 'any' | Role;

type Failure =
  | 'badRequest'
  | 'malformedPath'
  | 'forbidden'
  | 'notFound'
  | 'reportConflict'
  | 'alertResolved'
  | 'unprocessable'
  | 'drillConflict'
  | 'siteClosing'
  /** an operation without a bearer token that a shared secret guards (the SMS gateway): its 401 */
  | 'gatewaySecret'
  /** an operation without a bearer token that reads the store: its 500 and 503 */
  | 'storeUnavailable';

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer' as const, minimum: 1 } },
};

/** An answer of the operation's own: its successes, and for the health check its 503. */
interface Success {
  status: 200 | 201 | 204 | 503;
  description: string;
  /** a JSON body, or another media type with a string body; none for 204 */
  json?: z.ZodType;
  media?: { types: string[]; headers?: Record<string, { description: string; schema: { type: 'string' } }> };
  headers?: typeof RETRY_AFTER;
}

interface Operation {
  method: 'get' | 'put' | 'post' | 'delete';
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  role: LeastRole;
  /** who besides `role` and above may call it, in words (reporters stand outside the ranking) */
  also?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; description: string; required?: boolean };
  success: Success[];
  /** the refusals this operation gives besides those every authenticated operation can */
  failures?: Partial<Record<Failure, string>>;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });


/** The responses of one operation, by status: its successes, its own refusals and the common ones. */
function responses(op: Operation): RouteConfig['responses'] {
  const out: RouteConfig['responses'] = {};
  for (const s of op.success) {
    out[s.status] = {
      description: s.description,
      ...(s.json ? { content: json(s.json) } : {}),
      ...(s.headers ? { headers: s.headers } : {}),
      ...(s.media
        ? { content: Object.fromEntries(s.media.types.map((type) => [type, { schema: z.string() }])), ...(s.media.headers ? { headers: s.media.headers } : {}) }
        : {}),
    };
  }
  const f = op.failures ?? {};
  const badRequest = [
    f.badRequest,
    f.malformedPath ?? (op.params ? 'an address with a malformed %-escape (`malformed`, field `(path)`)' : undefined),
    op.body ? 'a body that is not JSON (`malformed`, field `(body)`) or cannot be read (`bad_request`)' : undefined,
  ].filter(Boolean);
  if (badRequest.length) {
    out[400] = { description: `Bad request: ${badRequest.join('; ')}. \`details\` names each bad field.`, content: json(ERROR_SCHEMAS.BadRequestError) };
  }
  if (f.notFound) out[404] = { description: f.notFound, content: json(ERROR_SCHEMAS.NotFoundError) };
  if (op.role === 'none') {
    if (f.gatewaySecret) out[401] = { description: f.gatewaySecret, content: json(ERROR_SCHEMAS.UnauthorizedError) };
    if (f.storeUnavailable) {
      out[500] = { description: 'A fault on the server; the message names the request id to find it in the log.', content: json(ERROR_SCHEMAS.InternalError) };
      out[503] = { description: f.storeUnavailable, headers: RETRY_AFTER, content: json(ERROR_SCHEMAS.UnavailableError) };
    }
    return out;
  }
  out[401] = { description: 'No token, or one that is unknown, revoked or expired (the message says when it expired).', content: json(ERROR_SCHEMAS.UnauthorizedError) };
  if (op.role !== 'any' || f.forbidden) {
    out[403] = {
      description: f.forbidden ?? `The token's role may not do this: it needs ${op.role} or above.`,
      content: json(ERROR_SCHEMAS.ForbiddenError),
    };
  }
  if (f.reportConflict) out[409] = { description: f.reportConflict, content: json(ERROR_SCHEMAS.ReportConflictError) };
  if (f.alertResolved) out[409] = { description: f.alertResolved, content: json(ERROR_SCHEMAS.AlertResolvedError) };
  if (f.drillConflict) out[409] = { description: f.drillConflict, content: json(ERROR_SCHEMAS.DrillConflictError) };
  if (f.siteClosing) out[409] = { description: f.siteClosing, content: json(ERROR_SCHEMAS.SiteClosingConflictError) };
  if (op.body) {
    out[413] = { description: 'The body is larger than the server takes (BODY_LIMIT_BYTES, 1 MiB by default).', content: json(ERROR_SCHEMAS.TooLargeError) };
    out[415] = { description: 'The body has a charset or content encoding the server cannot read.', content: json(ERROR_SCHEMAS.UnsupportedMediaTypeError) };
  }
  if (f.unprocessable) out[422] = { description: f.unprocessable, content: json(ERROR_SCHEMAS.UnprocessableError) };
  out[429] = {
    description:
      op.method === 'get'
        ? 'An unknown token from an address that sent too many (AUTH_FAILURE_LIMIT): 429 rather than 401 until Retry-After. A valid token is never refused for its address.'
        : 'An unknown token from an address that sent too many, or too many writes by this token (WRITE_LIMIT_PER_TOKEN): wait Retry-After seconds.',
    headers: RETRY_AFTER,
    content: json(ERROR_SCHEMAS.RateLimitedError),
  };
  out[500] = { description: 'A fault on the server; the message names the request id to find it in the log.', content: json(ERROR_SCHEMAS.InternalError) };
  out[503] = {
    description: 'The database is unreachable; nothing in this request was stored. Try again after Retry-After.',
    headers: RETRY_AFTER,
    content: json(ERROR_SCHEMAS.UnavailableError),
  };
  return out;
}

function roleText(op: Operation): string {
  if (op.role === 'none') return 'No token needed.';
  if (op.role === 'any') return `Any valid token.${op.also ? ` ${op.also}` : ''}`;
  const above = { viewer: 'and every role above it (analyst, coordinator, admin)', analyst: 'and above (coordinator, admin)', coordinator: 'and admin', admin: 'only', reporter: '' }[op.role];
  return `Least role: **${op.role}**${above ? ` ${above}` : ''}.${op.also ? ` ${op.also}` : ''}`;
}

/** The audit log's filters, for the page and the CSV alike. */
const auditFilterParams = {
  actor: z.string().min(1).max(200).optional().meta({ param: { description: "The actor's token id, or a part of its label in any case." } }),
  action: z.string().optional().meta({ param: { description: `Comma-separated actions, any of: ${AuditAction.options.map((a) => `\`${a}\``).join(', ')}.` } }),
  from: Instant.optional().meta({ param: { description: 'Inclusive.' } }),
  to: Instant.optional().meta({ param: { description: 'Exclusive; must be later than `from`.' } }),
};

const csvHeaders = {
  'Content-Disposition': { description: 'attachment; filename="amina-reports-FROM-TO.csv" (amina-exercise-reports-… for the exercise world)', schema: { type: 'string' as const } },
};

const mustStay = 'the kind of a site that has reports (`kind`)';

/** Every endpoint the server has. A new route must be added here: the server tests refuse an answer this list does not describe. */
export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'getHealth',
    tag: 'health',
    summary: 'Can this instance take requests: it runs and its store answers',
    description:
      'For load balancers: 503 while the store does not answer, so traffic goes to an instance that can store what it acknowledges. ' +
      'The store is asked at most once a second (2 s timeout), however often this is called.',
    role: 'none',
    success: [
      { status: 200, description: 'The server is up and its store answers.', json: Health },
      // Not an ErrorBody: a load balancer reads the status, a person the same shape as the 200.
      { status: 503, description: 'The store does not answer.', json: HealthUnavailable, headers: RETRY_AFTER },
    ],
  },
  {
    method: 'get',
    path: '/api/health/live',
    operationId: 'getLiveness',
    tag: 'health',
    summary: 'Does the process run',
    description: 'For a process supervisor: answers while the process runs, whatever the database does.',
    role: 'none',
    success: [{ status: 200, description: 'The process runs.', json: HealthLive }],
  },
  {
    method: 'get',
    path: '/api/me',
    operationId: 'getMe',
    tag: 'tokens',
    summary: "The token's role, label and sites",
    description: 'So that a screen offers only what the role may do. (An addition to v1.)',
    role: 'any',
    also: 'Reporters too.',
    success: [{ status: 200, description: 'Who the token belongs to.', json: Whoami }],
  },
  {
    method: 'get',
    path: '/api/governorates',
    operationId: 'listGovernorates',
    tag: 'geography',
    summary: "Iraq's 18 governorates as GeoJSON",
    description: 'A FeatureCollection of the governorate boundaries (COD-AB, simplified) with p-code, names and a label point.',
    role: 'viewer',
    success: [{ status: 200, description: 'The governorates.', json: GovernorateCollection }],
  },
  {
    method: 'get',
    path: '/api/context/{layer}',
    operationId: 'getContextLayer',
    tag: 'geography',
    summary: 'A map context layer',
    description: "GeoJSON for the map's context: Iraq's outline, the neighbouring countries, rivers and lakes. (An addition to v1.)",
    role: 'viewer',
    params: z.object({ layer: z.enum(CONTEXT_LAYERS) }),
    success: [{ status: 200, description: 'The layer, cacheable for a day.', json: ContextCollection }],
    failures: { notFound: 'No such layer.' },
  },
  {
    method: 'get',
    path: '/api/sites',
    operationId: 'listSites',
    tag: 'sites',
    summary: 'The site registry',
    description: 'Every checkpoint, shelter and health post. A reporter token gets only the sites on it.',
    role: 'viewer',
    also: 'A reporter may call it too and gets its own sites.',
    success: [{ status: 200, description: 'The sites.', json: z.array(Site) }],
  },
  {
    method: 'get',
    path: '/api/sites/{id}/reports',
    operationId: 'listSiteReports',
    tag: 'sites',
    summary: "One site's recent reports",
    description:
      `The site's reports observed in the last \`hours\` (1 to 48, default 24), newest first, at most ${RECENT_REPORTS_MAX}, as they were posted. ` +
      'The field form reads it before sending, to ask when a lead is about to count a period that another report (from any phone or SMS) already counted.',
    role: 'viewer',
    also: "A reporter may call it for the sites on its token, and reads its own world (a drill token's: the exercise world); other roles choose it with `exercise`.",
    params: z.object({ id: SiteId }),
    query: RecentReportsQuery.extend({ exercise: exerciseParam }),
    // A plain union: answers are checked against the document as strict JSON Schema, which has no discriminator.
    success: [{ status: 200, description: 'The reports, newest first.', json: z.array(z.union([ArrivalsReport, OccupancyReport, HealthReport])) }],
    failures: {
      badRequest: '`hours` not a whole number from 1 to 48, or a bad `exercise`',
      forbidden: "A reporter token asking for a site not on it, or a token whose role may not read.",
      notFound: 'No site has that id.',
    },
  },
  {
    method: 'put',
    path: '/api/sites/{id}',
    operationId: 'putSite',
    tag: 'sites',
    summary: 'Create or replace one site',
    description:
      'The body is the whole site; its `id` must equal the one in the address. `closedAt` is kept as the registry holds it: leave it out, or send it unchanged; ' +
      'closing and reopening have their own operations (`closeSite`, `reopenSite`).',
    role: 'admin',
    params: z.object({ id: SiteId }),
    body: { schema: Site, description: 'The site.', required: true },
    success: [
      { status: 200, description: 'The site was replaced.', json: Site },
      { status: 201, description: 'The site was created.', json: Site },
    ],
    failures: {
      badRequest: "an invalid site, or an `id` that differs from the address's",
      unprocessable: `Refused: it would change ${mustStay}, give it a \`code\` another site has (codes are unique), or change \`closedAt\`.`,
    },
  },
  {
    method: 'post',
    path: '/api/sites/{id}/close',
    operationId: 'closeSite',
    tag: 'sites',
    summary: 'Close a site: it keeps its history and takes no new report',
    description:
      'Sets `closedAt` to the server time. The site stays in the registry, and its reports in the log, the CSV export, the series and every picture of a moment before it closed ' +
      '(`GET /api/snapshot?at=`). From then on every new report for it is refused (422 naming `siteId`, by HTTP or SMS; a batch with one such report stores nothing); ' +
      'it leaves the live picture (no site state; a shelter leaves the shelters, places and occupancy counted; the arrivals it saw stay in the 24-hour flows until they age out), ' +
      'raises no alert (not even `site_silent`), and its open alerts resolve at once. Audited as `site.close`. The body is ignored. (An addition to v1.)',
    role: 'admin',
    params: z.object({ id: SiteId }),
    success: [{ status: 200, description: 'The site, closed.', json: Site }],
    failures: { notFound: 'No site has that id.', siteClosing: 'The site is already closed; `details.closedAt` says since when.' },
  },
  {
    method: 'post',
    path: '/api/sites/{id}/reopen',
    operationId: 'reopenSite',
    tag: 'sites',
    summary: 'Reopen a closed site',
    description:
      'Clears `closedAt`: the site takes reports again and is back on the live picture. Past pictures are judged by the registry as it is now, so a moment while it was closed ' +
      'shows it as open (with no report then); the audit log keeps when it was closed and reopened (`site.close`, `site.reopen`). The body is ignored. (An addition to v1.)',
    role: 'admin',
    params: z.object({ id: SiteId }),
    success: [{ status: 200, description: 'The site, open.', json: Site }],
    failures: { notFound: 'No site has that id.', siteClosing: 'The site is open.' },
  },
  {
    method: 'post',
    path: '/api/sites/import',
    operationId: 'importSites',
    tag: 'sites',
    summary: 'Import sites from CSV: a dry run, or all at once',
    description:
      'The CSV of `npm run sites:import` (columns: docs/standards.md). Without `apply`, a dry run: every row as `new`, `changed` (each field, old and new), `unchanged` or `refused` (with its reason), ' +
      'rows that are not sites under `problems`, and points outside their governorate under `warnings`; nothing changes. ' +
      'With `"apply": true`, every new and changed site is written in one transaction, or, if any row is refused, none is (422). (An addition to v1.)',
    role: 'admin',
    body: { schema: SiteImportRequest, description: 'The CSV text, and whether to apply it.', required: true },
    success: [{ status: 200, description: 'The changes, previewed or applied.', json: SiteImportAnswer }],
    failures: {
      badRequest: 'no CSV, an unknown field, or a CSV that cannot be read (an unclosed quote)',
      unprocessable: 'Applying: a row is refused (`details` names each); nothing was imported.',
    },
  },
  {
    method: 'post',
    path: '/api/reports',
    operationId: 'postReports',
    tag: 'reports',
    summary: 'Post one report, or a batch',
    description:
      `One report, or \`{ "reports": [ … ] }\` with 1 to ${MAX_BATCH}. A batch is all or nothing. The answer comes once every ` +
      'report is stored durably. A report whose id was stored before with the same content is answered under `duplicate` and changes nothing. ' +
      "Reports of an exercise token (a drill's) go to the exercise world. " +
      'An arrivals report whose period overlaps another stored report of the same site and world (or an earlier one of the same batch) is stored ' +
      'all the same, and the answer adds `warnings`: `{ reportId, code: "overlap", message, earlier: { id, observedAt, periodMinutes, arrivals } }`, ' +
      'so a form can ask its lead whether a resend counted the same people twice. Back-to-back periods do not overlap.',
    role: 'reporter',
    also: 'A reporter posts only for the sites on its token; an admin for any site; no other role may post.',
    body: { schema: ReportPost, description: 'A report, or a batch of reports.', required: true },
    success: [{ status: 201, description: 'Every report is stored (or was already).', json: PostReportsAnswer }],
    failures: {
      badRequest: 'an invalid report (an unknown field, a count out of range, a bad instant)',
      forbidden: 'The role may not post reports, or a report names a site not on the token (`details` names its `siteId`).',
      reportConflict: 'A report id was used before with different content; nothing was stored. `details.ids` lists them.',
      unprocessable: "Impossible: an unknown or closed site, a report kind that does not fit the site's kind, `observedAt` more than 5 minutes ahead, `destinations` counting more persons than `arrivals` or naming a governorate twice.",
    },
  },
  {
    method: 'get',
    path: '/api/snapshot',
    operationId: 'getSnapshot',
    tag: 'picture',
    summary: 'The whole current picture, or the picture at a past moment',
    description:
      'Rollups, site states, open alerts and the thresholds they were judged by: what a dashboard receives as `snapshot` on connect. ' +
      'With `at`, the picture as it was known at that instant (`historic: true`): only reports received by then, windows measured at then, ' +
      'and each alert as its history says it stood then, acknowledgement included. An `at` before the first report gives an empty picture. ' +
      'Sites and thresholds are today\'s: neither keeps a history.',
    role: 'viewer',
    query: z.object({
      exercise: exerciseParam,
      at: Instant.optional().meta({ param: { description: 'A past instant with an offset, e.g. `2026-11-28T06:00:00Z`; not in the future.' } }),
    }),
    success: [{ status: 200, description: 'The picture of the world asked for.', json: Snapshot }],
    failures: { badRequest: 'an `exercise` other than `only`, or an `at` that is malformed or in the future' },
  },
  {
    method: 'get',
    path: '/api/governorates/{pcode}/series',
    operationId: 'getSeries',
    tag: 'picture',
    summary: 'Series for one governorate, over any range',
    description:
      'Arrivals and departures per bucket, and the occupancy and capacity of the shelters with a current report at the end of each bucket (as the live rollup counts them). ' +
      'Either the v1 `hours` (the last N whole hours, the current one included, hourly), or `from`–`to` (at most 90 days, not in the future) with a `bucket` of 15m, 1h, 6h or 1d, chosen from the range when absent; at most 400 points. ' +
      '`by=site` adds each site\'s own values per bucket (`bySite`), which sum to the governorate\'s.',
    role: 'viewer',
    params: z.object({ pcode: Pcode }),
    query: SeriesQueryFields.extend({ exercise: exerciseParam }),
    success: [{ status: 200, description: 'One point per bucket, oldest first.', json: z.array(SeriesPoint) }],
    failures: {
      badRequest: '`hours` not a whole number from 1 to 720, `hours` with `from`/`to`, a malformed instant, a reversed range, one longer than 90 days or in the future, a bucket giving more than 400 points, or a bad `exercise`',
      notFound: 'No governorate has that p-code.',
    },
  },
  {
    method: 'get',
    path: '/api/alerts',
    operationId: 'listAlerts',
    tag: 'alerts',
    summary: 'Alerts, newest first',
    description: 'Alerts in the given states (all when `state` is absent or empty).',
    role: 'viewer',
    query: z.object({
      state: z
        .array(AlertState)
        .optional()
        .meta({ param: { description: 'Comma-separated states: `active,acknowledged`.', style: 'form', explode: false } }),
      exercise: exerciseParam,
    }),
    success: [{ status: 200, description: 'The alerts.', json: z.array(Alert) }],
    failures: { badRequest: 'an unknown state, or a bad `exercise`' },
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/ack',
    operationId: 'acknowledgeAlert',
    tag: 'alerts',
    summary: 'Acknowledge an alert',
    description:
      'Marks an open alert acknowledged, with an optional note. An acknowledged alert is answered as it is. Alert ids are unique across worlds, so no `exercise` is needed.',
    role: 'analyst',
    params: z.object({ id: z.string() }),
    body: { schema: AckBody, description: 'An optional note, at most 500 characters.', required: false },
    success: [{ status: 200, description: 'The alert, acknowledged.', json: Alert }],
    failures: {
      badRequest: 'a note that is not a string of at most 500 characters, or an unknown field',
      notFound: 'No alert has that id.',
      alertResolved: 'The alert has resolved: its condition cleared.',
    },
  },
  {
    method: 'get',
    path: '/api/thresholds',
    operationId: 'getThresholds',
    tag: 'thresholds',
    summary: 'The alert rules in force',
    description: 'The thresholds every alert is judged by.',
    role: 'viewer',
    success: [{ status: 200, description: 'The thresholds.', json: Thresholds }],
  },
  {
    method: 'put',
    path: '/api/thresholds',
    operationId: 'putThresholds',
    tag: 'thresholds',
    summary: 'Change the alert rules',
    description: 'Replaces the thresholds; every open dashboard gets them in the next `update` and alerts are judged anew.',
    role: 'coordinator',
    body: { schema: Thresholds, description: 'The whole set of thresholds.', required: true },
    success: [{ status: 200, description: 'The thresholds now in force.', json: Thresholds }],
    failures: {
      badRequest: 'invalid thresholds, an unknown field, or a `__proto__` key anywhere',
      unprocessable: 'A `perSite` entry names a site the registry does not have (`checkpointSurge.perSite.kalak-x`).',
    },
  },
  {
    method: 'put',
    path: '/api/thresholds/travel-times',
    operationId: 'putTravelTimes',
    tag: 'thresholds',
    summary: 'Change travel times of onward movement',
    description:
      'Sets the typical travel time of the named origin-destination pairs (`IQG09>IQG11`: Duhok to Erbil, hours); the other pairs and rules stay as they are. ' +
      'Like a change of thresholds, it is audited and every open dashboard gets the thresholds in its next `update`.',
    role: 'coordinator',
    body: { schema: TravelTimesBody, description: 'The pairs to change, with their hours (0.25 to 72).', required: true },
    success: [{ status: 200, description: 'The thresholds now in force, travel times included.', json: Thresholds }],
    failures: {
      badRequest: 'a key that is not two different governorate p-codes joined by `>`, hours out of range, no pair, or an unknown field',
    },
  },
  {
    method: 'post',
    path: '/api/thresholds/preview',
    operationId: 'previewThresholds',
    tag: 'thresholds',
    summary: 'What new thresholds would do now',
    description:
      'Judges the picture of one world at this moment by the thresholds in the body, with the same rules and reconciliation a `PUT` would run, and says which alerts would ' +
      '`open`, `escalate`, `deescalate`, `update` (same severity, new value or line) or `resolve`. Changes nothing and leaves no audit entry. (An addition to v1.)',
    role: 'coordinator',
    query: z.object({ exercise: exerciseParam }),
    body: { schema: Thresholds, description: 'The whole set of proposed thresholds, as for `PUT /api/thresholds`.', required: true },
    success: [{ status: 200, description: 'The outcomes, gravest first.', json: ThresholdPreview }],
    failures: {
      badRequest: 'invalid thresholds, an unknown field, a `__proto__` key anywhere, or a bad `exercise`',
      unprocessable: 'A `perSite` entry names a site the registry does not have.',
    },
  },
  {
    method: 'get',
    path: '/api/export/reports.csv',
    operationId: 'exportReportsCsv',
    tag: 'exports',
    summary: 'Reports as HXL-tagged CSV',
    description:
      'Every report of one world with `observedAt` in [`from`, `to`), oldest first, as RFC 4180 CSV with an HXL hashtag row under the header; streamed. Columns: docs/standards.md.',
    role: 'viewer',
    query: z.object({
      from: Instant.optional().meta({ param: { description: 'Inclusive, by observedAt.' } }),
      to: Instant.optional().meta({ param: { description: 'Exclusive, by observedAt; must be later than `from`.' } }),
      exercise: exerciseParam,
    }),
    success: [{ status: 200, description: 'The CSV.', media: { types: ['text/csv'], headers: csvHeaders } }],
    failures: { badRequest: '`from` or `to` not an instant with an offset, `to` not after `from`, or a bad `exercise`' },
  },
  {
    method: 'get',
    path: '/api/export/alerts.cap',
    operationId: 'exportAlertsCap',
    tag: 'exports',
    summary: 'Alerts as OASIS CAP 1.2 in an Atom feed',
    description:
      'Active and acknowledged alerts as CAP 1.2 messages in English, Arabic and Kurdish, plus alerts resolved in the last 24 hours as Cancel messages. ' +
      'The real feed says `<status>Actual</status>`; `?exercise=only` gives the drill alerts as `Exercise`. Mapping: docs/standards.md.',
    role: 'viewer',
    query: z.object({ exercise: exerciseParam }),
    success: [{ status: 200, description: 'The Atom feed.', media: { types: ['application/atom+xml'] } }],
    failures: { badRequest: 'an `exercise` other than `only`' },
  },
  {
    method: 'post',
    path: '/api/tokens',
    operationId: 'createToken',
    tag: 'tokens',
    summary: 'Issue a token',
    description:
      'A reporter token must name its sites; `"exercise": true` on a reporter token makes a drill\'s token, whose reports go to the exercise world. The secret is answered this once and stored only as a hash.',
    role: 'admin',
    body: { schema: TokenRequest, description: 'The role, sites, label and optional expiry of the new token.', required: true },
    success: [{ status: 201, description: 'The token and its id.', json: IssuedToken }],
    failures: {
      badRequest: 'an invalid request: an unknown role, a reporter without sites, `exercise` on another role, an `expiresAt` that is not an instant',
      unprocessable: 'A site on the token does not exist, or `expiresAt` is not in the future.',
    },
  },
  {
    method: 'get',
    path: '/api/tokens',
    operationId: 'listTokens',
    tag: 'tokens',
    summary: 'List tokens, newest first',
    description:
      'Every token with its role, sites, label, creation, expiry, revocation and last use (stored to the minute, at most once a minute per token), and its `state`. ' +
      'Never the token itself, which is stored nowhere, nor its hash. (An addition to v1.)',
    role: 'admin',
    query: z.object({
      role: TokenListQuery.shape.role,
      state: TokenState.optional().meta({ param: { description: '`active`, `revoked` or `expired`.' } }),
      site: TokenListQuery.shape.site.meta({ param: { description: 'Only tokens that name this site.' } }),
      q: TokenListQuery.shape.q.meta({ param: { description: 'A word in the label, the id or a site id; case-insensitive.' } }),
    }),
    success: [{ status: 200, description: 'The tokens.', json: z.array(TokenInfo) }],
    failures: { badRequest: 'an unknown role or state, a malformed site id, or an unknown parameter' },
  },
  {
    method: 'post',
    path: '/api/tokens/batch',
    operationId: 'createTokenBatch',
    tag: 'tokens',
    summary: "Issue one reporter token per site of a governorate",
    description:
      'One reporter token for each site of the governorate (of the `kinds` given, or all), labelled "<label> · <site name>", in one transaction: every token is issued, or none. ' +
      'The secrets are answered this once. (An addition to v1.)',
    role: 'admin',
    body: { schema: TokenBatchRequest, description: 'The governorate, kinds, label prefix and optional expiry.', required: true },
    success: [{ status: 201, description: 'The tokens, one per site.', json: IssuedTokenBatch }],
    failures: {
      badRequest: 'an invalid request: a bad p-code or kind, an empty label, an unknown field',
      unprocessable: 'The governorate has no site of those kinds, or `expiresAt` is not in the future.',
    },
  },
  {
    method: 'post',
    path: '/api/tokens/revoke',
    operationId: 'revokeTokens',
    tag: 'tokens',
    summary: 'Revoke many tokens',
    description: 'Revokes every token named, in one transaction, and closes their sockets; if any id names no token, none is revoked. (An addition to v1.)',
    role: 'admin',
    body: { schema: TokenRevokeRequest, description: 'The ids, 1 to 500.', required: true },
    success: [{ status: 200, description: 'The ids revoked.', json: TokensRevoked }],
    failures: { badRequest: 'no ids, or more than 500', unprocessable: 'An id names no token (`details` names it); nothing was revoked.' },
  },
  {
    method: 'delete',
    path: '/api/tokens/{id}',
    operationId: 'revokeToken',
    tag: 'tokens',
    summary: 'Revoke a token',
    description: 'At once: its next request is a 401 and its open sockets are closed.',
    role: 'admin',
    params: z.object({ id: z.string() }),
    success: [{ status: 204, description: 'Revoked.' }],
    failures: { notFound: 'No token has that id.' },
  },
  {
    method: 'get',
    path: '/api/phones',
    operationId: 'listPhones',
    tag: 'sms',
    summary: 'The phones that may report by SMS',
    description: 'Each with its token and sites, the number masked (`+9647•••••••12`): the numbers themselves are stored only as keyed hashes. (An addition to v1.)',
    role: 'admin',
    success: [{ status: 200, description: 'The registered phones, oldest first.', json: z.array(Phone) }],
  },
  {
    method: 'post',
    path: '/api/phones',
    operationId: 'registerPhone',
    tag: 'sms',
    summary: 'Register a phone to a reporter token',
    description:
      'Its SMS reports count for the sites of the token, as if the token had posted them. The number (E.164) is hashed with ' +
      'PHONE_HASH_SECRET and never stored, logged or answered; the answer shows it masked. (An addition to v1.)',
    role: 'admin',
    body: { schema: PhoneRequest, description: 'The number, the reporter token it reports under, and a label.', required: true },
    success: [{ status: 201, description: 'Registered.', json: Phone }],
    failures: {
      badRequest: 'a number that is not E.164, a missing label or token id',
      unprocessable: 'An unknown, revoked or non-reporter token; a number registered already; or PHONE_HASH_SECRET is not set on the server.',
    },
  },
  {
    method: 'delete',
    path: '/api/phones/{id}',
    operationId: 'deletePhone',
    tag: 'sms',
    summary: 'Remove a phone',
    description: 'At once: its next SMS is refused.',
    role: 'admin',
    params: z.object({ id: z.string() }),
    success: [{ status: 204, description: 'Removed.' }],
    failures: { notFound: 'No phone has that id.' },
  },
  {
    method: 'get',
    path: '/api/sms/kannel',
    operationId: 'kannelInbound',
    tag: 'sms',
    summary: "An inbound SMS, as Kannel's smsbox passes it",
    description:
      "Kannel's `sms-service` calls this for every message (`get-url` with `%p`, `%a`, `%I`; see docs/sms.md). The answer's body is the reply SMS, " +
      'in the sender\'s language, with `X-Kannel-Coding: 2` (UCS-2) when it is Arabic or Kurdish. A stored report goes through the same ingest as ' +
      'POST /api/reports. Its id is a name-based UUID of the gateway\'s message id and the sender, so a retried call stores nothing twice and gets the same reply. ' +
      'An unknown number gets a short refusal and stores nothing. No bearer token: the gateway sends `SMS_GATEWAY_SECRET` as `secret` on every call. (An addition to v1.)',
    role: 'none',
    query: KannelQuery,
    success: [
      {
        status: 200,
        description: 'The reply SMS (also for a message that could not be read or a number that is not registered: the reply says why).',
        media: {
          types: ['text/plain'],
          headers: { 'X-Kannel-Coding': { description: '`0` GSM text, `2` UCS-2 (Arabic, Kurdish)', schema: { type: 'string' } } },
        },
      },
    ],
    failures: {
      badRequest: 'no `from`, `text` or `id`',
      gatewaySecret: 'No `secret`, or not SMS_GATEWAY_SECRET (always, when that is not set).',
      storeUnavailable: 'The database is unreachable; nothing was stored, and the gateway should retry (smsbox does, with the same message id).',
    },
  },
  {
    method: 'get',
    path: '/api/audit',
    operationId: 'listAudit',
    tag: 'audit',
    summary: 'The audit log, newest first',
    description:
      'Who changed what and when, by token id, label and role; never the token. Filtered by actor, action and time; paged by keyset: ' +
      'for the next page, pass the `id` of the last entry as `before` (entries appended meanwhile never shift a page). (An addition to v1.)',
    role: 'admin',
    query: z.object({
      limit: z.number().int().min(1).max(MAX_AUDIT_PAGE).default(100).meta({ param: { description: 'How many entries.' } }),
      ...auditFilterParams,
      before: z.uuid().optional().meta({ param: { description: 'The id of the last entry of the previous page: the entries appended before it.' } }),
    }),
    success: [{ status: 200, description: 'The latest entries that match.', json: z.array(AuditEntry) }],
    failures: {
      badRequest: `\`limit\` not a whole number from 1 to ${MAX_AUDIT_PAGE}, an unknown \`action\`, \`from\` or \`to\` not an instant with an offset, \`to\` not after \`from\`, or a \`before\` that names no entry`,
    },
  },
  {
    method: 'get',
    path: '/api/export/audit.csv',
    operationId: 'exportAuditCsv',
    tag: 'audit',
    summary: 'The audit log as CSV',
    description:
      'Every entry that matches, newest first, as RFC 4180 CSV: time, action, actor label, role and token id, subject, request id, entry id and the details as JSON. ' +
      'Cells a person typed are guarded against spreadsheet formulas (a leading apostrophe). Streamed. (An addition to v1.)',
    role: 'admin',
    query: z.object(auditFilterParams),
    success: [
      {
        status: 200,
        description: 'The CSV.',
        media: { types: ['text/csv'], headers: { 'Content-Disposition': { description: 'attachment; filename="amina-audit-FROM-TO.csv"', schema: { type: 'string' as const } } } },
      },
    ],
    failures: { badRequest: 'an unknown `action`, `from` or `to` not an instant with an offset, or `to` not after `from`' },
  },
  {
    method: 'delete',
    path: '/api/exercise',
    operationId: 'clearExercise',
    tag: 'exercise',
    summary: 'Clear the exercise world',
    description: 'Deletes every exercise report and so resolves the exercise alerts. The real world is not touched. (An addition to v1.)',
    role: 'admin',
    success: [{ status: 200, description: 'How many exercise reports were deleted.', json: ExerciseCleared }],
    failures: { drillConflict: 'A drill started from the server is playing: stop it first.' },
  },
  {
    method: 'get',
    path: '/api/drills/scenarios',
    operationId: 'listScenarios',
    tag: 'exercise',
    summary: 'The scenarios a drill can play',
    description: 'Every valid scenario in `fixtures/scenarios/` on this server. (An addition to v1.)',
    role: 'admin',
    success: [{ status: 200, description: 'The scenarios.', json: z.array(ScenarioSummary) }],
  },
  {
    method: 'get',
    path: '/api/drills/current',
    operationId: 'getCurrentDrill',
    tag: 'exercise',
    summary: 'The drill playing, or the last one ended',
    description:
      'Its progress: the scenario minute reached and the reports posted, duplicate and failed. `null` when this instance has played none since it started; a drill belongs to the instance that started it. (An addition to v1.)',
    role: 'admin',
    success: [{ status: 200, description: 'The drill.', json: CurrentDrill }],
  },
  {
    method: 'post',
    path: '/api/drills',
    operationId: 'startDrill',
    tag: 'exercise',
    summary: 'Start a drill',
    description:
      'Plays a scenario `speed` times faster than real time into the exercise world, through the same ingest path and replay code as `npm run drill`, as a drill reporter of the scenario\'s sites. One at a time; audited (`drill.start`, and `drill.stop` when it ends). (An addition to v1.)',
    role: 'admin',
    body: { schema: DrillStart, description: 'The scenario, by name, and the speed.', required: true },
    success: [{ status: 201, description: 'The drill, started.', json: DrillStatus }],
    failures: {
      badRequest: 'a `scenario` that is not a name, a `speed` not from 1 to 10,000, or an unknown field',
      drillConflict: 'A drill is playing already: stop it first.',
      unprocessable: 'No scenario has that name, or it names sites the registry does not have (`scenario`).',
    },
  },
  {
    method: 'delete',
    path: '/api/drills/current',
    operationId: 'stopDrill',
    tag: 'exercise',
    summary: 'Stop the drill',
    description: 'Stops the drill playing; what it posted stays in the exercise world until cleared. Audited. (An addition to v1.)',
    role: 'admin',
    success: [{ status: 200, description: 'The drill, stopped.', json: DrillStatus }],
    failures: { drillConflict: 'No drill is playing.' },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'documents',
    summary: 'This document',
    description: 'The HTTP API as OpenAPI 3.1; it holds no data, so it needs no token.',
    role: 'none',
    success: [{ status: 200, description: 'The OpenAPI document.', json: z.record(z.string(), z.unknown()) }],
  },
  {
    method: 'get',
    path: '/api/asyncapi.json',
    operationId: 'getAsyncApiDocument',
    tag: 'documents',
    summary: 'The live events as AsyncAPI 3',
    description: 'The Socket.IO events (`snapshot`, `update`, `resync`), the handshake and its refusals.',
    role: 'none',
    success: [{ status: 200, description: 'The AsyncAPI document.', json: z.record(z.string(), z.unknown()) }],
  },
  {
    method: 'get',
    path: '/api/docs',
    operationId: 'getApiDocs',
    tag: 'documents',
    summary: 'Both documents, readable',
    description: 'This document rendered by a bundled Swagger UI, with a link to the live events; works with no network.',
    role: 'none',
    success: [{ status: 200, description: 'An HTML page.', media: { types: ['text/html'] } }],
  },
  {
    method: 'get',
    path: '/api/docs/events',
    operationId: 'getEventDocs',
    tag: 'documents',
    summary: 'The live events, readable',
    description: 'The AsyncAPI document as an HTML page.',
    role: 'none',
    success: [{ status: 200, description: 'An HTML page.', media: { types: ['text/html'] } }],
  },
  {
    method: 'get',
    path: '/api/docs/assets/{file}',
    operationId: 'getDocsAsset',
    tag: 'documents',
    summary: "The documentation pages' scripts and styles",
    description: 'Served by Amina itself, never from a CDN.',
    role: 'none',
    params: z.object({ file: z.string() }),
    success: [
      {
        status: 200,
        description: 'A script or a style sheet.',
        media: { types: ['text/javascript', 'text/css'] },
      },
    ],
    failures: { notFound: 'No such file.' },
  },
];

function routeConfig(op: Operation): RouteConfig {
  return {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: `${op.description}\n\n${roleText(op)}`,
    ...(op.role === 'none' ? { security: [] } : {}),
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.body
        ? { body: { description: op.body.description, required: op.body.required ?? true, content: json(op.body.schema) } }
        : {}),
    },
    responses: responses(op),
    'x-amina-role': op.role,
  } as RouteConfig;
}

const DESCRIPTION = `Amina's public interface, version 1: what field clients, wall displays and other systems rely on.

**Authentication.** Every /api endpoint except the health check and these documents needs \`Authorization: Bearer <token>\`.
Roles, least first: \`viewer\` reads everything; \`analyst\` also acknowledges alerts; \`coordinator\` also changes thresholds;
\`admin\` does everything and manages sites and tokens. A \`reporter\` stands apart: it posts reports for the sites on its token and
reads those sites. Each operation names its least role in \`x-amina-role\` (\`none\`: no token; \`any\`: any valid token).

**Errors** are JSON \`{ "error": { "code", "message", "details"? } }\`; \`details\` names each bad field as \`{ field, message }\`.

**Live events** (Socket.IO: \`snapshot\`, \`update\`, \`resync\`) are described in /api/asyncapi.json, readable at /api/docs/events.
For people: docs/api.md in the repository.`;

const TAGS = [
  ['health', 'Is the server up'],
  ['picture', 'The live picture: snapshot and series'],
  ['reports', 'Counts and status from the field'],
  ['alerts', 'Thresholds crossed, acknowledged, resolved'],
  ['thresholds', 'The alert rules'],
  ['sites', 'Checkpoints, shelters and health posts'],
  ['geography', 'Governorates and map context'],
  ['exports', 'HXL CSV and CAP 1.2'],
  ['tokens', 'Who may do what'],
  ['audit', 'Who changed what'],
  ['sms', 'Reports by SMS: the phones that may send, and the gateway'],
  ['exercise', "A drill's world of its own"],
  ['documents', 'This interface, machine-readable and readable'],
] as const;

/** The OpenAPI 3.1 document of the HTTP API, for the given release of Amina. */
export function openApiDocument(version: string): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from POST /api/tokens, npm run token, HBM_ADMIN_TOKEN or the first start: 32 random bytes, base64url.',
  });
  for (const op of OPERATIONS) registry.registerPath(routeConfig(op));
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Amina',
      version,
      description: DESCRIPTION,
    },
    servers: [{ url: '/', description: 'The server that serves this document' }],
    security: [{ bearer: [] }],
    tags: TAGS.map(([name, description]) => ({ name, description })),
  });
  const refused = (name: keyof typeof ERROR_SCHEMAS, description: string, headers?: object) => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
  });
  // OpenAPI cannot say "every other address"; this extension does, and the server tests hold to it.
  return {
    ...document,
    'x-amina-other-addresses': {
      description: 'Any other address under /api is refused as an authenticated endpoint refuses, then with 404 `not_found`.',
      responses: {
        400: refused('BadRequestError', 'A body that is not JSON or cannot be read.'),
        401: refused('UnauthorizedError', 'No token, or one that is unknown or revoked.'),
        404: refused('NotFoundError', 'No such endpoint.'),
        413: refused('TooLargeError', 'The body is too large.'),
        415: refused('UnsupportedMediaTypeError', 'The body has a charset or content encoding the server cannot read.'),
        429: refused('RateLimitedError', 'An unknown token from an address that sent too many, or too many writes by this token.', RETRY_AFTER),
        500: refused('InternalError', 'A fault on the server.'),
        503: refused('UnavailableError', 'The database is unreachable.', RETRY_AFTER),
      },
    },
  };
}
