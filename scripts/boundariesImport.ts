// Replaces the governorate boundaries with an official OCHA COD-AB release (admin level 1).
//
//   npm run boundaries:import -- irq_admbnda_adm1.geojson [--data-dir ./data] [--tolerance 0.001] [--dry-run]
//
// The release is checked (exactly the 18 p-codes IQG01…IQG18, each once, valid polygons), simplified
// and written to <DATA_DIR>/boundaries.geojson, which the server prefers over
// fixtures/governorates.geojson from its next start.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanValid } from '@turf/boolean-valid';
import { simplify } from '@turf/simplify';
import { GovernorateCollection, Pcode, PolygonGeometry, type GovernorateFeature } from '../shared/schemas.ts';
import { loadConfig } from '../server/config.ts';
import { BOUNDARIES_FILE } from '../server/fixtures.ts';
import { runMain, theOneFile, UsageError } from './cli.ts';

type Geometry = GovernorateFeature['geometry'];

/** Property names COD-AB releases have used, newest first; our own names last. */
const PCODE_KEYS = ['ADM1_PCODE', 'adm1_pcode', 'admin1Pcode', 'ADM1_PCODE_', 'pcode', 'PCODE'];
const NAME_EN_KEYS = ['ADM1_EN', 'adm1_name', 'admin1Name_en', 'ADM1_NAME', 'nameEn'];
const NAME_AR_KEYS = ['ADM1_AR', 'adm1_name1', 'admin1Name_ar', 'nameAr'];
const NAME_CKB_KEYS = ['ADM1_KU', 'ADM1_CKB', 'admin1Name_ku', 'nameCkb'];

const ALL_PCODES = Array.from({ length: 18 }, (_, i) => `IQG${String(i + 1).padStart(2, '0')}`);

function pick(props: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = props[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

function roundGeometry(g: Geometry): Geometry {
  const ring = (r: readonly Point[]) => {
    const out: Point[] = [];
    for (const [x, y] of r) {
      const p: Point = [round4(x), round4(y)];
      const last = out[out.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    return out;
  };
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(ring)) };
}

function vertexCount(g: Geometry): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.reduce((n, poly) => n + poly.reduce((m, r) => m + r.length, 0), 0);
}

const inside = (lon: number, lat: number, g: Geometry) =>
  booleanPointInPolygon([lon, lat], g as Parameters<typeof booleanPointInPolygon>[1]);

/**
 * A point surely inside the shape, for its label: the middle of the widest stretch of the largest
 * polygon along the horizontal line through its middle latitude.
 */
export function interiorPoint(g: Geometry): [number, number] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const area = (r: readonly Point[]) => Math.abs(r.reduce((s, [x1, y1], i) => s + x1 * r[(i + 1) % r.length]![1] - r[(i + 1) % r.length]![0] * y1, 0)) / 2;
  const largest = polys.reduce((a, b) => (area(b[0]!) > area(a[0]!) ? b : a));
  const lats = largest[0]!.map((p) => p[1]);
  const y = (Math.min(...lats) + Math.max(...lats)) / 2 + 1e-7;
  const xs: number[] = [];
  for (const ring of largest) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [x1, y1] = ring[i]!;
      const [x2, y2] = ring[i + 1]!;
      if ((y1 <= y && y < y2) || (y2 <= y && y < y1)) xs.push(x1 + ((y - y1) / (y2 - y1)) * (x2 - x1));
    }
  }
  xs.sort((a, b) => a - b);
  let best: [number, number] = [largest[0]![0]![0], largest[0]![0]![1]];
  let width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1]! - xs[i]! > width) {
      width = xs[i + 1]! - xs[i]!;
      best = [(xs[i]! + xs[i + 1]!) / 2, y];
    }
  }
  return [round4(best[0]), round4(best[1])];
}

/** A position as the schema types it: longitude and latitude always there. */
type Point = [number, number, ...number[]];

/** -1, 0 or 1: which side of the line a→b the point c lies on. */
function orientation(a: Point, b: Point, c: Point): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

const onSegment = (a: Point, b: Point, c: Point) =>
  Math.min(a[0], b[0]) <= c[0] && c[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= c[1] && c[1] <= Math.max(a[1], b[1]);

function segmentsMeet(a: Point, b: Point, c: Point, d: Point): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/**
 * Whether a closed ring crosses or touches itself (a bow tie, a loop). turf's booleanValid checks
 * closure and spikes but not this. Segments are bucketed in a grid so that a ring of tens of
 * thousands of vertices is checked in well under a second.
 */
export function ringSelfIntersects(ring: readonly Point[]): boolean {
  const n = ring.length - 1;
  if (n < 3) return true;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const cells = Math.max(1, Math.ceil(Math.sqrt(n)));
  const w = (maxX - minX) / cells || 1;
  const h = (maxY - minY) / cells || 1;
  const grid = new Map<number, number[]>();
  const cell = (v: number, min: number, size: number) => Math.min(cells - 1, Math.floor((v - min) / size));
  for (let i = 0; i < n; i++) {
    const [a, b] = [ring[i]!, ring[i + 1]!];
    for (let cx = cell(Math.min(a[0], b[0]), minX, w); cx <= cell(Math.max(a[0], b[0]), minX, w); cx++) {
      for (let cy = cell(Math.min(a[1], b[1]), minY, h); cy <= cell(Math.max(a[1], b[1]), minY, h); cy++) {
        const key = cx * cells + cy;
        const list = grid.get(key);
        if (list) list.push(i);
        else grid.set(key, [i]);
      }
    }
  }
  for (const list of grid.values()) {
    for (let p = 0; p < list.length; p++) {
      for (let q = p + 1; q < list.length; q++) {
        const [i, j] = list[p]! < list[q]! ? [list[p]!, list[q]!] : [list[q]!, list[p]!];
        // neighbours share a vertex by construction, the last segment and the first too
        if (j === i + 1 || (i === 0 && j === n - 1)) continue;
        if (segmentsMeet(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return true;
      }
    }
  }
  return false;
}

/** turf's checks (closed rings, no spikes, holes inside) and no ring crossing itself. */
export function isValidShape(g: Geometry): boolean {
  if (!booleanValid(g as never)) return false;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.every((poly) => poly.every((ring) => !ringSelfIntersects(ring)));
}

/**
 * Simplifies within `tolerance` degrees, keeping every ring (turf keeps at least a valid ring) and
 * halving the tolerance for a shape that would come out invalid.
 */
function simplifyShape(g: Geometry, tolerance: number): Geometry {
  for (let t = tolerance; t >= tolerance / 64; t /= 2) {
    const simplified = roundGeometry(simplify(g as never, { tolerance: t, highQuality: true }) as Geometry);
    if (isValidShape(simplified)) return simplified;
  }
  return roundGeometry(g);
}

export interface BoundaryImport {
  collection?: GovernorateCollection;
  problems: string[];
  /** one line per governorate: names and vertices before → after */
  summary: string[];
}

/**
 * Checks and converts a COD-AB admin-1 FeatureCollection. `reference` (the current boundaries)
 * supplies Sorani names, which COD-AB does not carry, and label points that still fall inside.
 */
export function convertBoundaries(input: unknown, reference: GovernorateCollection, tolerance: number): BoundaryImport {
  const problems: string[] = [];
  const summary: string[] = [];
  const fc = input as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { problems: ['the file is not a GeoJSON FeatureCollection'], summary };
  }
  const byPcode = new Map(reference.features.map((f) => [f.properties.pcode, f.properties]));
  const seen = new Set<string>();
  const features: GovernorateFeature[] = [];
  fc.features.forEach((raw: { properties?: Record<string, unknown>; geometry?: unknown }, i: number) => {
    const props = raw?.properties ?? {};
    const pcode = pick(props, PCODE_KEYS);
    const where = `feature ${i}${pcode ? ` (${pcode})` : ''}`;
    if (!pcode || !Pcode.safeParse(pcode).success) {
      problems.push(`${where}: no governorate p-code IQG01…IQG18 in ${PCODE_KEYS.join(', ')} (found ${JSON.stringify(pcode ?? null)})`);
      return;
    }
    if (seen.has(pcode)) {
      problems.push(`${where}: p-code ${pcode} appears twice`);
      return;
    }
    seen.add(pcode);
    const nameEn = pick(props, NAME_EN_KEYS);
    const nameAr = pick(props, NAME_AR_KEYS);
    const nameCkb = pick(props, NAME_CKB_KEYS) ?? byPcode.get(pcode)?.nameCkb;
    if (!nameEn) problems.push(`${where}: no English name in ${NAME_EN_KEYS.join(', ')}`);
    if (!nameAr) problems.push(`${where}: no Arabic name in ${NAME_AR_KEYS.join(', ')}`);
    if (!nameCkb) problems.push(`${where}: no Sorani name, and the current boundaries have none for ${pcode}`);
    const geometry = PolygonGeometry.safeParse(raw?.geometry);
    if (!geometry.success) {
      problems.push(`${where}: the geometry is not a Polygon or MultiPolygon`);
      return;
    }
    if (!isValidShape(geometry.data)) {
      problems.push(`${where}: the polygon is not valid (self-intersecting, unclosed or degenerate ring)`);
      return;
    }
    if (!nameEn || !nameAr || !nameCkb) return;
    const simplified = simplifyShape(geometry.data, tolerance);
    const old = byPcode.get(pcode);
    const [labelLon, labelLat] =
      old && inside(old.labelLon, old.labelLat, simplified) ? [old.labelLon, old.labelLat] : interiorPoint(simplified);
    features.push({
      type: 'Feature',
      properties: { pcode, nameEn, nameAr, nameCkb, labelLon, labelLat },
      geometry: simplified,
    });
    summary.push(`${pcode} ${nameEn} / ${nameAr}: ${vertexCount(geometry.data)} → ${vertexCount(simplified)} vertices`);
  });
  const missing = ALL_PCODES.filter((p) => !seen.has(p));
  if (missing.length) problems.push(`missing governorate(s) ${missing.join(', ')}: a COD-AB admin-1 release has all 18`);
  if (problems.length) return { problems, summary };
  features.sort((a, b) => a.properties.pcode.localeCompare(b.properties.pcode));
  const collection = GovernorateCollection.safeParse({ type: 'FeatureCollection', features });
  if (!collection.success) return { problems: collection.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), summary };
  return { collection: collection.data, problems, summary };
}

/** One feature per line, as fixtures/governorates.geojson: diffable, and still small. */
export function serialiseBoundaries(collection: GovernorateCollection, source: string): string {
  const head = JSON.stringify({ type: 'FeatureCollection', name: 'governorates', source });
  return `${head.slice(0, -1)},"features":[\n${collection.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, tolerance: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  const file = theOneFile(positionals, 'Usage: npm run boundaries:import -- <cod-ab-adm1.geojson> [--data-dir ./data] [--tolerance 0.001] [--dry-run]');
  const tolerance = Number(values.tolerance ?? 0.001);
  if (!(tolerance > 0 && tolerance < 1)) throw new UsageError(`--tolerance is in degrees, between 0 and 1; got "${values.tolerance}".`);
  const config = loadConfig();
  const dataDir = path.resolve(values['data-dir'] ?? config.dataDir);
  const reference = GovernorateCollection.parse(JSON.parse(fs.readFileSync(path.join(config.fixturesDir, 'governorates.geojson'), 'utf8')));
  const input = JSON.parse(fs.readFileSync(file, 'utf8'));
  const result = convertBoundaries(input, reference, tolerance);
  for (const line of result.summary) console.log(line);
  if (!result.collection) {
    for (const p of result.problems) console.error(`problem: ${p}`);
    console.error('Nothing written.');
    return 1;
  }
  const target = path.join(dataDir, BOUNDARIES_FILE);
  if (values['dry-run']) {
    console.log(`Dry run: the release is valid; ${target} was not written.`);
    return 0;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const source = `OCHA COD-AB admin 1 from ${path.basename(file)}, simplified (tolerance ${tolerance} deg), precision 0.0001 deg`;
  // Write beside, then rename: a server starting meanwhile reads the old file or the new one, never half.
  fs.writeFileSync(`${target}.tmp`, serialiseBoundaries(result.collection, source));
  fs.renameSync(`${target}.tmp`, target);
  console.log(`Wrote ${target}. Restart the server to use the new boundaries.`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runMain(main);
