// What the admin pages' forms share: the server's refusal, field by field, shown next to the field.
import { useState } from 'react';
import { byPlaceName, placeName, type Language } from '../../../shared/language.ts';
import type { Governorate } from '../../../shared/schemas.ts';
import { ApiRequestError } from '../../lib/api.ts';

/** The server's message for each field it named; `(form)` for a refusal that names none. */
export type FieldErrors = Map<string, string>;

export function fieldErrorsOf(error: unknown): FieldErrors {
  const out: FieldErrors = new Map();
  if (error instanceof ApiRequestError && Array.isArray(error.details)) {
    for (const d of error.details as unknown[]) {
      if (typeof d !== 'object' || d === null) continue;
      const { field, message } = d as { field?: unknown; message?: unknown };
      if (typeof field !== 'string' || typeof message !== 'string') continue;
      // `sites[2]` and `sites` are the same field on the form
      const key = field.replace(/\[\d+\]$/, '').replace(/\.\d+$/, '');
      if (!out.has(key)) out.set(key, message);
    }
  }
  out.set('(form)', error instanceof Error ? error.message : String(error));
  return out;
}

/** The message under a field, when the server named it. */
export function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  const message = errors.get(field);
  return message ? (
    <span className="field-error" role="alert" data-testid={`error-${field}`}>
      {message}
    </span>
  ) : null;
}

/** A request's state: running, and its refusal by field. */
export function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>(new Map());
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setErrors(new Map());
    try {
      return await work();
    } catch (error) {
      setErrors(fieldErrorsOf(error));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, errors, run, clear: () => setErrors(new Map()) };
}

/** An instant for the API from a date-and-time input, read in the browser's own time zone. */
export function instantFromLocal(value: string): string | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

/** A select's options for the governorates, by name in the language, after the "choose" option. */
export function GovernorateOptions({ governorates, lang, choose }: { governorates: Record<string, Governorate>; lang: Language; choose: string }) {
  return (
    <>
      <option value="">{choose}</option>
      {Object.values(governorates)
        .sort(byPlaceName(lang))
        .map((g) => (
          <option key={g.pcode} value={g.pcode}>
            {placeName(g, lang)}
          </option>
        ))}
    </>
  );
}
