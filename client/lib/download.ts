// Downloads that need the token: fetched with the Authorization header and saved from a blob, since a
// link cannot carry a header and the token must never be put in an address (history, logs, proxies).
import { ErrorBody } from '../../shared/schemas.ts';
import { ApiRequestError } from './api.ts';
import { getToken } from './session.ts';

/** The file name the server gave in Content-Disposition, else `fallback`. */
export function attachmentName(header: string | null, fallback: string): string {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header ?? '');
  return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

/** Fetches `path` with the device's token and saves the answer under the server's file name. */
export async function downloadWithToken(path: string, fallbackName: string): Promise<string> {
  const token = getToken();
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const error = ErrorBody.safeParse(parsed);
    if (error.success) throw new ApiRequestError(response.status, error.data.error.code, error.data.error.message, error.data.error.details);
    throw new ApiRequestError(response.status, 'http_error', `The server answered ${response.status}.`);
  }
  const name = attachmentName(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked once the browser has taken the file; the blob holds the whole download until then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
