// What the admin scripts share: the server's address and admin token, and calls to its API.
import { loadConfig } from '../server/config.ts';
import { ErrorBody } from '../shared/schemas.ts';

export interface ApiTarget {
  /** the server, e.g. http://127.0.0.1:8080 */
  url: string;
  adminToken: string;
}

/**
 * The target from --url and --admin-token, falling back to the local server's PORT and
 * HBM_ADMIN_TOKEN as server/config.ts reads them.
 */
export function apiTarget(values: { url?: string; 'admin-token'?: string }): ApiTarget {
  const config = loadConfig();
  const url = (values.url ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  const adminToken = values['admin-token'] ?? config.adminToken;
  if (!adminToken) throw new UsageError('Give --admin-token (or set HBM_ADMIN_TOKEN).');
  return { url, adminToken };
}

/** A mistake in how the script was called: printed without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The one file a script works on, or the usage line when it was not given exactly one. */
export function theOneFile(positionals: readonly string[], usage: string): string {
  const [file] = positionals;
  if (positionals.length !== 1 || file === undefined) throw new UsageError(usage);
  return file;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** One call to the API; answers every status (the caller decides), throws only when the server cannot be reached. */
export async function callApi(target: { url: string }, token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  let response: Response;
  try {
    response = await fetch(target.url + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new Error(`Cannot reach ${target.url}: ${(err as Error).message}`, { cause: err });
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** The API's error message, for a person. */
export function errorText(answer: ApiAnswer): string {
  const parsed = ErrorBody.safeParse(answer.body);
  return parsed.success ? `${answer.status} ${parsed.data.error.code}: ${parsed.data.error.message}` : `${answer.status}: ${String(answer.body).slice(0, 200)}`;
}

/** Runs a script's main, printing a usage mistake or failure plainly and exiting non-zero. */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (err: unknown) => {
      console.error(err instanceof UsageError ? err.message : err instanceof Error ? `Error: ${err.message}` : err);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
