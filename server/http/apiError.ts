// Every error the API answers, in the contract's shape: { error: { code, message, details } }.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ReportRejected } from '../ingest.ts';
import { ReportConflictError, StoreUnavailableError } from '../storage/store.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `reports[3].arrivals`: a path a person can find in the body they sent. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out || '(body)';
}

/** Turns a zod failure into the 400 the contract asks for, naming each bad field. */
export function invalidBody(error: z.ZodError, what = 'request body'): ApiError {
  const details: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ field: fieldPath([...issue.path, key]), message: 'is not a known field' });
      }
    } else {
      details.push({ field: fieldPath(issue.path), message: issue.message });
    }
  }
  const summary = details
    .slice(0, 3)
    .map((d) => `${d.field}: ${d.message}`)
    .join('; ');
  const more = details.length > 3 ? ` (and ${details.length - 3} more)` : '';
  return new ApiError(400, 'invalid', `Invalid ${what}: ${summary}${more}`, details);
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

/**
 * A refused post of reports, in HTTP terms: 403 when the token may not report for a site, 422 when a
 * report cannot be true. Fields are named as in the body the client sent: `reports[2].siteId` in a
 * batch, `siteId` for a single report.
 */
export function rejectedReports(rejection: ReportRejected, batch: boolean): ApiError {
  const details: FieldProblem[] = rejection.problems.map((p) => ({
    field: batch ? `reports[${p.index}].${p.field}` : p.field,
    message: p.message,
  }));
  const first = details[0]!;
  return rejection.reason === 'forbidden'
    ? new ApiError(403, 'forbidden', `Not allowed: ${first.message}.`, details)
    : new ApiError(422, 'unprocessable', `Cannot accept: ${first.field} ${first.message}.`, details);
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/** The last middleware: known errors answered as they are; unknown ones logged, answered `internal`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const requestId = String(res.getHeader('x-request-id') ?? '');
    let apiError: ApiError;
    const parserError = err as BodyParserError;
    if (err instanceof ApiError) {
      apiError = err;
    } else if (err instanceof ReportConflictError) {
      apiError = new ApiError(
        409,
        'conflict',
        'A report id was used before with different content; nothing in this request was stored. Give each new report a new id.',
        { ids: err.ids },
      );
    } else if (err instanceof StoreUnavailableError) {
      apiError = new ApiError(
        503,
        'unavailable',
        'The database is unreachable; nothing in this request was stored. Try again shortly.',
        undefined,
        { 'Retry-After': '5' },
      );
    } else if (parserError?.type === 'entity.too.large') {
      apiError = new ApiError(413, 'too_large', 'The request body is too large; send at most 500 reports at a time.');
    } else if (parserError?.type === 'entity.parse.failed') {
      apiError = new ApiError(400, 'malformed', 'The request body is not valid JSON.', [
        { field: '(body)', message: 'is not valid JSON' },
      ]);
    } else if (err instanceof URIError && parserError.status === 400) {
      // The router could not decode a %-escape in the address (GET /api/alerts/%E0/ack).
      apiError = new ApiError(400, 'malformed', 'The address holds a malformed %-escape; encode it with encodeURIComponent.', [
        { field: '(path)', message: 'is not valid percent-encoding' },
      ]);
    } else if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
      // The body parser's other refusals (a corrupt gzip body, an unsupported charset) carry their status.
      apiError = new ApiError(parserError.status, 'bad_request', 'The request body could not be read.');
    } else {
      logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
      apiError = new ApiError(500, 'internal', `Something went wrong on the server (request ${requestId}).`);
    }
    res.status(apiError.status).set(apiError.headers);
    res.json({
      error: {
        code: apiError.code,
        message: apiError.message,
        ...(apiError.details !== undefined ? { details: apiError.details } : {}),
      },
    });
  };
}
