// The site registry as CSV: read it (RFC 4180), check every row with the shared Site schema, and say
// what importing it would change. Pure: the CLI (scripts/sitesImport.ts) and the server's
// POST /api/sites/import both use it, so a dry run and an import see the same changes.
import { Site } from './schemas.ts';

export const SITE_COLUMNS = [
  'id',
  'kind',
  'nameEn',
  'nameAr',
  'nameCkb',
  'governorate',
  'lon',
  'lat',
  'capacity',
  'capacityEstimated',
  'coordinateQuality',
  'representative',
  'sources',
] as const;
type SiteColumn = (typeof SITE_COLUMNS)[number];
const REQUIRED: readonly SiteColumn[] = ['id', 'kind', 'nameEn', 'nameAr', 'governorate'];
const SOURCES_SEPARATOR = ' | ';

/** RFC 4180: fields split by commas, quoted with '"' (doubled inside), records by CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error('the file ends inside a quoted field');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  // blank lines carry nothing
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

export interface RowProblem {
  line: number;
  message: string;
}

export interface ParsedRegistry {
  /** each row as a site, merged with the current site for the columns the file leaves out */
  sites: Site[];
  problems: RowProblem[];
}

function cellValue(column: SiteColumn, cell: string): unknown {
  const text = cell.trim();
  if (text === '') return column === 'lon' || column === 'lat' ? null : undefined;
  switch (column) {
    case 'lon':
    case 'lat':
    case 'capacity':
      return Number.isFinite(Number(text)) ? Number(text) : text;
    case 'capacityEstimated':
    case 'representative':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'sources':
      return text.split(SOURCES_SEPARATOR).map((s) => s.trim()).filter(Boolean);
    default:
      return text;
  }
}

/** Reads the CSV into sites, each checked with the shared Site schema (p-code, kind, names, coordinates). */
export function sitesFromCsv(text: string, current: readonly Site[]): ParsedRegistry {
  const rows = parseCsv(text);
  const problems: RowProblem[] = [];
  const [headerRow] = rows;
  if (!headerRow) return { sites: [], problems: [{ line: 1, message: 'the file is empty' }] };
  const header = headerRow.map((h) => h.trim());
  const unknown = header.filter((h) => !(SITE_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (unknown.length) problems.push({ line: 1, message: `unknown column(s) ${unknown.join(', ')}; known: ${SITE_COLUMNS.join(', ')}` });
  if (missing.length) problems.push({ line: 1, message: `missing required column(s) ${missing.join(', ')}` });
  if (problems.length) return { sites: [], problems };

  const byId = new Map(current.map((s) => [s.id, s]));
  const seen = new Map<string, number>();
  const sites: Site[] = [];
  rows.slice(1).forEach((cells, index) => {
    const line = index + 2;
    if (cells.length !== header.length) {
      problems.push({ line, message: `has ${cells.length} fields, the header has ${header.length}` });
      return;
    }
    const fromFile: Record<string, unknown> = {};
    header.forEach((column, i) => {
      fromFile[column] = cellValue(column as SiteColumn, cells[i] ?? '');
    });
    const id = String(fromFile.id ?? '');
    const existing = byId.get(id);
    // Columns the file does not have keep the registry's values; those it has replace them.
    const merged: Record<string, unknown> = { ...(existing ?? {}) };
    for (const column of header) merged[column] = fromFile[column];
    if (!existing && !header.includes('lon')) merged.lon = null;
    if (!existing && !header.includes('lat')) merged.lat = null;
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    const parsed = Site.safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ line, message: `${id || '(no id)'}: ${issue.path.join('.') || 'row'} ${issue.message}` });
      }
      return;
    }
    if (seen.has(id)) {
      problems.push({ line, message: `${id}: the same id is on line ${seen.get(id)}` });
      return;
    }
    seen.set(id, line);
    sites.push(parsed.data);
  });
  return { sites, problems };
}

export interface SiteChange {
  id: string;
  change: 'new' | 'changed' | 'unchanged';
  /** for a changed site: each field that differs, with the old and new value */
  fields: { field: string; from: unknown; to: unknown }[];
}

/** What importing `sites` would do to the registry. */
export function diffSites(current: readonly Site[], sites: readonly Site[]): SiteChange[] {
  const byId = new Map(current.map((s) => [s.id, s]));
  return sites.map((site) => {
    const existing = byId.get(site.id);
    if (!existing) return { id: site.id, change: 'new', fields: [] };
    const keys = [...new Set([...Object.keys(existing), ...Object.keys(site)])];
    const fields = keys
      .filter((k) => JSON.stringify((existing as Record<string, unknown>)[k]) !== JSON.stringify((site as Record<string, unknown>)[k]))
      .map((k) => ({ field: k, from: (existing as Record<string, unknown>)[k], to: (site as Record<string, unknown>)[k] }));
    return { id: site.id, change: fields.length ? 'changed' : 'unchanged', fields };
  });
}

