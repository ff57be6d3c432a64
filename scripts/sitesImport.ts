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
import { diffSites, sitesFromCsv, type RowProblem, type SiteChange } from '../shared/sitesCsv.ts';

export { diffSites, parseCsv, SITE_COLUMNS, sitesFromCsv, type ParsedRegistry, type RowProblem, type SiteChange } from '../shared/sitesCsv.ts';
import { apiTarget, callApi, errorText, runMain, theOneFile, type ApiTarget } from './cli.ts';

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
