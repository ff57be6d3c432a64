import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Site } from '../shared/schemas.ts';
import { ADMIN_TOKEN, startServer, type Running, type Answer } from '../server/testing/harness.ts';
import { diffSites, importSites, parseCsv, sitesFromCsv } from './sitesImport.ts';

const fixtureSites = z.array(Site).parse(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'sites.json'), 'utf8')));

describe('parseCsv (RFC 4180)', () => {
  it.each([
    ['a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['a,b\n1,2', [['a', 'b'], ['1', '2']]],
    ['\uFEFFa\n"x, ""y"""\n', [['a'], ['x, "y"']]],
    ['a,b\n"two\nlines",\n', [['a', 'b'], ['two\nlines', '']]],
    ['a\n\n\nb\n', [['a'], ['b']]],
    ['name\nمخيم دوميز 1\n', [['name'], ['مخيم دوميز 1']]],
  ])('reads %j', (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  it('refuses a quote left open', () => {
    expect(() => parseCsv('a\n"open\n')).toThrow(/quoted/);
  });
});

describe('sitesFromCsv', () => {
  const header = 'id,kind,nameEn,nameAr,governorate,lon,lat,capacity';
  it.each([
    ['a governorate that is not a p-code', `${header}\nnew-camp,shelter,New camp,مخيم جديد,IQG19,44,36,1000`, 'governorate must be a governorate p-code'],
    ['a kind that does not exist', `${header}\nnew-camp,hospital,New camp,مخيم جديد,IQG11,44,36,1000`, 'kind'],
    ['a capacity that is not a count', `${header}\nnew-camp,shelter,New camp,مخيم جديد,IQG11,44,36,many`, 'capacity'],
    ['an id used twice', `${header}\nnew-camp,shelter,A,أ,IQG11,,,\nnew-camp,shelter,B,ب,IQG11,,,`, 'the same id is on line 2'],
    ['a missing column', 'id,kind,nameEn\nx,shelter,X', 'missing required column(s) nameAr, governorate'],
    ['an unknown column', `${header},colour\nx,shelter,X,س,IQG11,,,,red`, 'unknown column(s) colour'],
    ['a short row', `${header}\nx,shelter`, 'has 2 fields'],
  ])('names %s', (_name, csv, message) => {
    const { problems } = sitesFromCsv(csv, fixtureSites);
    expect(problems.map((p: Answer) => p.message).join('\n')).toContain(message);
  });

  it('keeps what the file leaves out, clears what it empties, and diffs field by field', () => {
    const csv = [
      'id,kind,nameEn,nameAr,governorate,lon,lat,capacity',
      // unchanged: the registry's values again (sources and the rest are kept)
      'domiz-1,shelter,Domiz 1 refugee camp,مخيم دوميز 1,IQG09,42.891424,36.782322,27000',
      // changed: a new capacity, and the coordinate cleared
      'kawergosk,shelter,Kawergosk refugee camp,مخيم كوركوسك,IQG11,,,11000',
      'new-transit,shelter,Fishkhabour transit site,موقع فيشخابور للعبور,IQG09,,,2000',
    ].join('\n');
    const { sites, problems } = sitesFromCsv(csv, fixtureSites);
    expect(problems).toEqual([]);
    const kawergosk = sites.find((s: Answer) => s.id === 'kawergosk')!;
    expect(kawergosk).toMatchObject({ lon: null, lat: null, capacity: 11000, nameCkb: 'کەمپی کەورگۆسک' });
    expect(kawergosk.sources?.length).toBeGreaterThan(0);
    const changes = diffSites(fixtureSites, sites);
    expect(changes.map((c: Answer) => [c.id, c.change])).toEqual([
      ['domiz-1', 'unchanged'],
      ['kawergosk', 'changed'],
      ['new-transit', 'new'],
    ]);
    expect(changes[1]!.fields.map((f: Answer) => f.field).sort()).toEqual(['capacity', 'lat', 'lon']);
  });
});

describe('npm run sites:import against a real server', () => {
  let server: Running | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('lists what would change on a dry run, then writes exactly that through PUT /api/sites/:id', async () => {
    server = await startServer();
    const csv = [
      'id,kind,nameEn,nameAr,nameCkb,governorate,lon,lat,capacity,capacityEstimated,sources',
      'kawergosk,shelter,Kawergosk refugee camp,مخيم كوركوسك,کەمپی کەورگۆسک,IQG11,43.811281,36.346081,12000,false,CCCM site profile 2026 | test',
      'new-transit,shelter,Peshkhabour transit,موقع فيشخابور للعبور,,IQG09,,,2000,,',
      // a point in Erbil filed under Duhok: imported, with a warning
      'odd-point,health_post,Odd point,نقطة,,IQG09,44.0,36.2,,,',
    ].join('\r\n');
    const target = { url: server.url, adminToken: ADMIN_TOKEN };
    const lines: string[] = [];
    const dry = await importSites({ ...target, csv, dryRun: true, log: (l) => lines.push(l) });
    expect(dry.changes.map((c: Answer) => c.change)).toEqual(['changed', 'new', 'new']);
    expect(dry.written).toEqual([]);
    expect(dry.warnings).toEqual(['odd-point: (44, 36.2) lies outside IQG09']);
    expect(lines.join('\n')).toContain('changed    kawergosk: capacity 10500 → 12000');
    expect(lines.at(-1)).toBe('Dry run: 2 new, 1 changed, 0 unchanged. Nothing was written.');
    const before = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body;
    expect(before.find((s: Answer) => s.id === 'new-transit')).toBeUndefined();

    const done = await importSites({ ...target, csv, dryRun: false });
    expect(done.written).toEqual(['kawergosk', 'new-transit', 'odd-point']);
    const after = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body as Site[];
    expect(after.find((s: Answer) => s.id === 'kawergosk')).toMatchObject({ capacity: 12000, capacityEstimated: false, sources: ['CCCM site profile 2026', 'test'] });
    expect(after.find((s: Answer) => s.id === 'new-transit')).toMatchObject({ kind: 'shelter', governorate: 'IQG09', lon: null, capacity: 2000 });

    const again = await importSites({ ...target, csv, dryRun: true });
    expect(again.changes.map((c: Answer) => c.change)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    const invalid = await importSites({ ...target, csv: 'id,kind,nameEn,nameAr,governorate\nx,shelter,X,س,IQG99', dryRun: false });
    expect(invalid.problems).toHaveLength(1);
    expect(invalid.written).toEqual([]);
  });
});
