// From what the lead typed to a Report the server will take, or the fields to correct. Pure.
import { Report, type Destination, type HealthStatus, type Site } from '../../../shared/schemas.ts';
import { isoSeconds } from '../../../shared/time.ts';

/** Period lengths offered for arrivals, in minutes. */
export const PERIODS = [15, 30, 60, 120, 240, 360, 720, 1440] as const;
export const DEFAULT_PERIOD = 60;
export const NOTE_MAX = 500;

export interface FormValues {
  arrivals: string;
  periodMinutes: number;
  departures: string;
  households: string;
  occupancy: string;
  status: HealthStatus | '';
  note: string;
  /** persons typed per destination governorate (p-code) in the optional second step */
  destinations: ReadonlyMap<string, string>;
}

export const EMPTY_FORM: FormValues = {
  arrivals: '',
  periodMinutes: DEFAULT_PERIOD,
  departures: '',
  households: '',
  occupancy: '',
  status: '',
  note: '',
  destinations: new Map(),
};

/** Which message a field shows; the screen words it in the lead's language. */
export type FieldError = 'wholeNumber' | 'chooseStatus' | 'noteTooLong' | 'destTooMany';
/** Per field; `form` carries what no field of the form can fix (a bad site id, a broken clock). */
export type FieldErrors = Partial<Record<keyof FormValues, FieldError>> & { form?: string };

/**
 * Phones in Iraq often type Arabic-Indic (٠١٢) or Persian (۰۱۲) digits, and people group thousands
 * with spaces, commas or the Arabic separator: all read as the same whole number.
 */
export function readCount(text: string): number | 'empty' | 'invalid' {
  const ascii = text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\s,.\u066c\u066b']/g, '');
  if (ascii === '') return 'empty';
  if (!/^\d{1,9}$/.test(ascii)) return 'invalid';
  return Number(ascii);
}

export type BuildResult = { ok: true; report: Report } | { ok: false; errors: FieldErrors };

/** The report for `site` from the form, stamped with the id and instant of the press of "send". */
export function buildReport(site: Site, values: FormValues, id: string, nowMs: number): BuildResult {
  const errors: FieldErrors = {};
  const count = (field: 'arrivals' | 'departures' | 'households' | 'occupancy', required: boolean): number | undefined => {
    const value = readCount(values[field]);
    if (value === 'empty') {
      if (required) errors[field] = 'wholeNumber';
      return undefined;
    }
    if (value === 'invalid') {
      errors[field] = 'wholeNumber';
      return undefined;
    }
    return value;
  };
  const base = { id, siteId: site.id, observedAt: isoSeconds(nowMs) };
  let candidate: Record<string, unknown>;
  if (site.kind === 'checkpoint') {
    const departures = count('departures', false);
    const households = count('households', false);
    const arrivals = count('arrivals', true);
    const destinations = readDestinations(values.destinations, arrivals);
    if (destinations === 'invalid') errors.destinations = 'wholeNumber';
    candidate = {
      ...base,
      kind: 'arrivals',
      arrivals,
      periodMinutes: values.periodMinutes,
      ...(departures !== undefined ? { departures } : {}),
      ...(households !== undefined ? { households } : {}),
      ...(Array.isArray(destinations) && destinations.length ? { destinations } : {}),
    };
  } else if (site.kind === 'shelter') {
    candidate = { ...base, kind: 'occupancy', occupancy: count('occupancy', true) };
  } else {
    if (!values.status) errors.status = 'chooseStatus';
    const note = values.note.trim();
    if (note.length > NOTE_MAX) errors.note = 'noteTooLong';
    candidate = { ...base, kind: 'health', status: values.status, ...(note ? { note } : {}) };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  // The shared schema has the last word, so the lead sees here what the server would refuse.
  const parsed = Report.safeParse(candidate);
  if (parsed.success) return { ok: true, report: parsed.data };
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field === 'destinations') {
      // More persons heading somewhere than arrived, or a governorate twice: the second step's to fix.
      errors.destinations ??= 'destTooMany';
    } else if (Object.hasOwn(EMPTY_FORM, field)) {
      const key = field as keyof FormValues;
      errors[key] ??= key === 'note' ? 'noteTooLong' : key === 'status' ? 'chooseStatus' : 'wholeNumber';
    } else {
      errors.form ??= `${field}: ${issue.message}`;
    }
  }
  return { ok: false, errors };
}

/**
 * The second step's counts as the report's `destinations`: each governorate with persons once, and
 * the rest of the arrivals as `unknown` ("don't know" is the default for everyone not placed). None
 * typed: no destinations at all, as before the step existed. `invalid` when a count cannot be read.
 */
export function readDestinations(typed: ReadonlyMap<string, string>, arrivals: number | undefined): Destination[] | 'invalid' {
  const destinations: Destination[] = [];
  let invalid = false;
  for (const [to, text] of typed) {
    const persons = readCount(text);
    if (persons === 'invalid') invalid = true;
    else if (persons !== 'empty' && persons > 0) destinations.push({ to, persons });
  }
  if (invalid) return 'invalid';
  if (destinations.length === 0) return [];
  const heading = destinations.reduce((sum, d) => sum + d.persons, 0);
  if (arrivals !== undefined && arrivals > heading) destinations.push({ to: 'unknown', persons: arrivals - heading });
  return destinations;
}

/** Persons placed in a governorate so far, for the "don't know" line. */
export function placedPersons(typed: ReadonlyMap<string, string>): number {
  let sum = 0;
  for (const text of typed.values()) {
    const persons = readCount(text);
    if (typeof persons === 'number') sum += persons;
  }
  return sum;
}
