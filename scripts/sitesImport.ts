// Imports the site registry from CSV through PUT /api/sites/:id, with a dry run that lists the changes.
//
//   npm run sites:import -- sites.csv [--dry-run] [--url http://127.0.0.1:8080] [--admin-token …]
//
// Columns (header row required, any order; UTF-8, RFC 4180 quoting):
//   id, kind, nameEn, nameAr, governorate    required: a slug, checkpoint|shelter|health_post, names, p-code IQG01…IQG18
//   nameCkb, lon, lat, capacity, capacityEstimated, coordinateQuality, representative, sources    optional
// An empty cell clears that field (empty lon/lat: the site is unlocated). A column left out of the file
// keeps each existing site's value. `sources` holds several entries separated by " | ".
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { Site, type GovernorateCollection } from '../shared/schemas.ts';
import { apiTarget, callApi, errorText, runMain, theOneFile, type ApiTarget } from './cli.ts';

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

/** Sites whose point lies outside their governorate's polygon: likely a wrong p-code or a swapped lon/lat. */
export function outsideGovernorate(sites: readonly Site[], shapes: GovernorateCollection): string[] {
  const byPcode = new Map(shapes.features.map((f) => [f.properties.pcode, f]));
  return sites
    .filter((s) => s.lon !== null && s.lat !== null)
    .filter((s) => {
      const shape = byPcode.get(s.governorate);
      return shape !== undefined && !booleanPointInPolygon([s.lon!, s.lat!], shape.geometry as Parameters<typeof booleanPointInPolygon>[1]);
    })
    .map((s) => `${s.id}: (${s.lon}, ${s.lat}) lies outside ${s.governorate}`);
}

export interface ImportOptions extends ApiTarget {
  csv: string;
  dryRun: boolean;
  log?: (line: string) => void;
}

export interface ImportResult {
  changes: SiteChange[];
  problems: RowProblem[];
  warnings: string[];
  /** sites written (none on a dry run or when a row is invalid) */
  written: string[];
  failed: { id: string; error: string }[];
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

export async function importSites(options: ImportOptions): Promise<ImportResult> {
  const log = options.log ?? (() => undefined);
  const current = await callApi(options, options.adminToken, 'GET', '/api/sites');
  if (current.status !== 200) throw new Error(`Cannot read the registry: ${errorText(current)}`);
  const { sites, problems } = sitesFromCsv(options.csv, current.body as Site[]);
  const result: ImportResult = { changes: [], problems, warnings: [], written: [], failed: [] };
  if (problems.length) {
    for (const p of problems) log(`line ${p.line}: ${p.message}`);
    log(`Nothing imported: fix the ${problems.length} problem(s) above.`);
    return result;
  }
  const shapes = await callApi(options, options.adminToken, 'GET', '/api/governorates');
  if (shapes.status === 200) result.warnings = outsideGovernorate(sites, shapes.body as GovernorateCollection);
  for (const w of result.warnings) log(`warning: ${w}`);

  result.changes = diffSites(current.body as Site[], sites);
  for (const c of result.changes) {
    if (c.change === 'new') log(`new        ${c.id}`);
    else if (c.change === 'changed') log(`changed    ${c.id}: ${c.fields.map((f) => `${f.field} ${show(f.from)} → ${show(f.to)}`).join('; ')}`);
    else log(`unchanged  ${c.id}`);
  }
  const toWrite = result.changes.filter((c) => c.change !== 'unchanged');
  const count = (kind: SiteChange['change']) => result.changes.filter((c) => c.change === kind).length;
  const summary = `${count('new')} new, ${count('changed')} changed, ${count('unchanged')} unchanged`;
  if (options.dryRun) {
    log(`Dry run: ${summary}. Nothing was written.`);
    return result;
  }
  const byId = new Map(sites.map((s) => [s.id, s]));
  for (const { id } of toWrite) {
    const answer = await callApi(options, options.adminToken, 'PUT', `/api/sites/${encodeURIComponent(id)}`, byId.get(id));
    if (answer.status === 200 || answer.status === 201) result.written.push(id);
    else {
      result.failed.push({ id, error: errorText(answer) });
      log(`FAILED     ${id}: ${errorText(answer)}`);
    }
  }
  log(`Imported: ${summary}; ${result.written.length} written, ${result.failed.length} failed.`);
  return result;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, url: { type: 'string' }, 'admin-token': { type: 'string' } },
  });
  const file = theOneFile(positionals, 'Usage: npm run sites:import -- <sites.csv> [--dry-run] [--url …] [--admin-token …]');
  const result = await importSites({
    ...apiTarget(values),
    csv: fs.readFileSync(file, 'utf8'),
    dryRun: values['dry-run'] ?? false,
    log: console.log,
  });
  return result.problems.length || result.failed.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runMain(main);
