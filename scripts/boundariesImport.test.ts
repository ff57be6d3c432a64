import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanValid } from '@turf/boolean-valid';
import { afterEach, describe, expect, it } from 'vitest';
import { GovernorateCollection } from '../shared/schemas.ts';
import { ADMIN_TOKEN, startServer, tempDataDir, type Running, type Answer } from '../server/testing/harness.ts';
import { convertBoundaries, interiorPoint, ringSelfIntersects } from './boundariesImport.ts';

const root = path.resolve(import.meta.dirname, '..');
const reference = GovernorateCollection.parse(JSON.parse(fs.readFileSync(path.join(root, 'fixtures', 'governorates.geojson'), 'utf8')));

/** A COD-AB-like admin-1 release made from the fixture: COD-AB's property names, no Sorani names. */
function codAb(edit: (features: Answer[]) => void = () => undefined) {
  const features = reference.features.map((f: Answer) => ({
    type: 'Feature',
    properties: {
      ADM1_EN: f.properties.nameEn,
      ADM1_AR: f.properties.nameAr,
      ADM1_PCODE: f.properties.pcode,
      ADM0_EN: 'Iraq',
      ADM0_PCODE: 'IQ',
      date: '2019-06-03',
    },
    geometry: structuredClone(f.geometry),
  }));
  edit(features);
  return { type: 'FeatureCollection', features };
}

const vertices = (fc: GovernorateCollection) => JSON.stringify(fc.features.map((f: Answer) => f.geometry.coordinates)).split('],[').length;

describe('convertBoundaries', () => {
  it('reads COD-AB property names, keeps Sorani names from the current boundaries, and simplifies into valid shapes', () => {
    const result = convertBoundaries(codAb(), reference, 0.01);
    expect(result.problems).toEqual([]);
    const fc = result.collection!;
    expect(fc.features.map((f: Answer) => f.properties.pcode)).toEqual(reference.features.map((f: Answer) => f.properties.pcode).sort());
    const duhok = fc.features.find((f: Answer) => f.properties.pcode === 'IQG09')!;
    expect(duhok.properties).toMatchObject({ nameEn: 'Duhok', nameAr: 'دهوك', nameCkb: 'دهۆک' });
    expect(vertices(fc)).toBeLessThan(vertices(reference));
    for (const f of fc.features) {
      expect(booleanValid(f.geometry as never), f.properties.pcode).toBe(true);
      expect(booleanPointInPolygon([f.properties.labelLon, f.properties.labelLat], f.geometry as never), f.properties.pcode).toBe(true);
    }
  });

  const bowtie = { type: 'Polygon', coordinates: [[[44, 36], [45, 37], [45, 36], [44, 37], [44, 36]]] };
  it.each([
    ['a governorate missing', codAb((fs) => fs.pop()), 'missing governorate(s) IQG'],
    ['a p-code twice', codAb((fs) => (fs[1].properties.ADM1_PCODE = fs[0].properties.ADM1_PCODE)), 'appears twice'],
    ['a p-code that is not one', codAb((fs) => (fs[0].properties.ADM1_PCODE = 'IQ-AN')), 'no governorate p-code'],
    ['a self-intersecting polygon', codAb((fs) => (fs[3].geometry = bowtie)), 'not valid'],
    ['a line instead of a polygon', codAb((fs) => (fs[3].geometry = { type: 'LineString', coordinates: [[44, 36], [45, 37]] })), 'not a Polygon or MultiPolygon'],
    ['no Arabic name', codAb((fs) => delete fs[5].properties.ADM1_AR), 'no Arabic name'],
    ['not a FeatureCollection', { type: 'Feature' }, 'not a GeoJSON FeatureCollection'],
  ])('refuses a release with %s', (_name, input, problem) => {
    const result = convertBoundaries(input, reference, 0.01);
    expect(result.collection).toBeUndefined();
    expect(result.problems.join('\n')).toContain(problem);
  });

  it.each([
    ['a square', [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], false],
    ['a concave U', [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]], false],
    ['a bow tie', [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]], true],
    ['a ring touching itself at a vertex', [[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]], true],
    ['a ring folding back along itself', [[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]], true],
    ['a triangle with too few points', [[0, 0], [1, 0], [0, 0]], true],
  ])('sees whether %s crosses itself', (_name, ring, crosses) => {
    expect(ringSelfIntersects(ring as [number, number][])).toBe(crosses);
  });

  it.each([
    ['a square', { type: 'Polygon' as const, coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] }],
    ['a U, whose centre lies outside', { type: 'Polygon' as const, coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] }],
    ['a ring around a hole', { type: 'Polygon' as const, coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]] }],
  ])('finds a label point inside %s', (_name, geometry) => {
    const [lon, lat] = interiorPoint(geometry as Parameters<typeof interiorPoint>[0]);
    expect(booleanPointInPolygon([lon, lat], geometry)).toBe(true);
  });
});

describe('npm run boundaries:import', () => {
  let server: Running | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('writes <DATA_DIR>/boundaries.geojson, which the server serves from its next start', async () => {
    const dataDir = tempDataDir();
    const input = path.join(dataDir, 'cod-ab.geojson');
    fs.writeFileSync(input, JSON.stringify(codAb((features) => (features[8].properties.ADM1_EN = 'Duhok (COD-AB 2026)'))));
    const run = (args: string[]) => promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/boundariesImport.ts', ...args], { cwd: root });

    const dry = await run([input, '--data-dir', dataDir, '--dry-run']);
    expect(dry.stdout).toContain('Dry run: the release is valid');
    expect(fs.existsSync(path.join(dataDir, 'boundaries.geojson'))).toBe(false);

    const { stdout } = await run([input, '--data-dir', dataDir]);
    expect(stdout).toContain('IQG09 Duhok (COD-AB 2026) / دهوك');
    expect(stdout).toContain(`Wrote ${path.join(dataDir, 'boundaries.geojson')}`);

    server = await startServer({ dataDir });
    const served = (await server.request('GET', '/api/governorates', ADMIN_TOKEN)).body;
    expect(served.features.find((f: Answer) => f.properties.pcode === 'IQG09').properties.nameEn).toBe('Duhok (COD-AB 2026)');
    const snapshot = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body;
    expect(snapshot.governorates).toHaveLength(18);

    const broken = path.join(dataDir, 'broken.geojson');
    fs.writeFileSync(broken, JSON.stringify(codAb((features) => features.pop())));
    const failed = await run([broken, '--data-dir', dataDir]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('missing governorate(s) IQG18');
  });
});
