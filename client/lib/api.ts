// The client's HTTP module: every answer is parsed with a shared schema before anyone sees it.
import type { z } from 'zod';
import { ErrorBody } from '../../shared/schemas.ts';
import { getToken } from './session.ts';

/** An answer other than 2xx, with the server's code and message for the person to read. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  token?: string | null;
}

/** Calls the API with the device's token and parses the answer with `schema`. */
export async function apiRequest<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
  const token = options.token === undefined ? getToken() : options.token;
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    signal: options.signal,
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = ErrorBody.safeParse(json);
    if (error.success) {
      throw new ApiRequestError(response.status, error.data.error.code, error.data.error.message, error.data.error.details);
    }
    throw new ApiRequestError(response.status, 'http_error', `The server answered ${response.status}.`);
  }
  return schema.parse(json);
}
