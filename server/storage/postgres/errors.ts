// Which PostgreSQL failures mean "the database cannot be reached now", as opposed to a bug.
import { StoreUnavailableError } from '../store.ts';

/**
 * Connection failures, a server shutting down or refusing connections, a terminated session: the
 * request is answered 503 and the client retries.
 */
const UNAVAILABLE_CODES = new Set([
  // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // object_not_in_prerequisite_state: the database does not accept connections now
  '55000',
  // invalid_catalog_name: the database is gone (dropped, or a standby that does not have it yet)
  '3D000',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// node-postgres's own errors carry no code, only these messages.
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /not queryable/i, /connection error/i];

export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(err.message));
}

/** The error to throw on: StoreUnavailableError for an unreachable database, the error itself otherwise. */
export function storeError(err: unknown): unknown {
  return isUnavailable(err) ? new StoreUnavailableError(err) : err;
}
