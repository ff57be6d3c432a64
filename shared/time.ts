// Instants as the API writes them: ISO 8601, UTC, whole seconds unless the input had more.
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** `2026-11-28T14:05:00Z`: the contract's form, without milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The start of the UTC hour that contains `ms`. */
export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * One spelling per instant: UTC, "Z", milliseconds only when there are any. `2026-11-28T17:05:00+03:00`
 * and `2026-11-28T14:05:00.000Z` are the same instant and both become `2026-11-28T14:05:00Z`.
 */
export function canonicalInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${iso}`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
