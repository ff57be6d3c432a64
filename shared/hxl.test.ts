import { describe, expect, it } from 'vitest';
import { CSV_QUOTED_MATCH, DESTINATION_ROW_TYPE, HXL_COLUMNS, HXL_HASHTAG_ROW, HXL_HEADER_ROW, hxlRow, hxlRows, neutraliseFormula } from './hxl.ts';
import type { Governorate, Site, StoredReport } from './schemas.ts';

const duhok: Governorate = { pcode: 'IQG09', nameEn: 'Duhok', nameAr: 'دهوك', nameCkb: 'دهۆک' };
const ibrahimKhalil: Site = {
  id: 'ibrahim-khalil',
  kind: 'checkpoint',
  nameEn: 'Ibrahim Khalil',
  nameAr: 'إبراهيم الخليل',
  governorate: 'IQG09',
  lon: 42.56556,
  lat: 37.144722,
};
const domiz: Site = { id: 'domiz-1', kind: 'shelter', nameEn: 'Domiz 1', nameAr: 'مخيم دوميز 1', governorate: 'IQG09', lon: null, lat: null, capacity: 27000 };
const clinic: Site = { id: 'domiz-1-clinic', kind: 'health_post', nameEn: '=HYPERLINK("x")', nameAr: 'عيادة', governorate: 'IQG09', lon: null, lat: null };

const base = { id: '3f1c1a3e-8d4e-4f55-9a51-0d5e4c3b2a10', observedAt: '2026-11-28T11:30:00Z', receivedAt: '2026-11-28T11:31:02Z' };

/** The cells of a row by hashtag, for readable expectations. */
function byTag(row: string[]): Record<string, string> {
  return Object.fromEntries(HXL_HASHTAG_ROW.map((tag, i) => [tag, row[i] ?? '']));
}

describe('HXL rows', () => {
  it('has one header and one hashtag per column, each hashtag valid HXL', () => {
    expect(HXL_HEADER_ROW).toHaveLength(HXL_COLUMNS.length);
    expect(new Set(HXL_HASHTAG_ROW).size).toBe(HXL_HASHTAG_ROW.length);
    for (const tag of HXL_HASHTAG_ROW) expect(tag).toMatch(/^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$/);
    for (const tag of ['#date+reported', '#date+occurred', '#meta+id', '#loc+name+i_en', '#loc+code', '#loc+type', '#adm1+code', '#geo+lat', '#geo+lon', '#affected+arrivals+ind', '#population+ind', '#capacity+num', '#status+code', '#description']) {
      expect(HXL_HASHTAG_ROW).toContain(tag);
    }
  });

  const cases: { name: string; report: StoredReport; site: Site | undefined; expected: Record<string, string> }[] = [
    {
      name: 'arrivals at a crossing, with households and departures',
      report: { ...base, siteId: 'ibrahim-khalil', kind: 'arrivals', arrivals: 1200, periodMinutes: 60, households: 240, departures: 15 },
      site: ibrahimKhalil,
      expected: {
        '#date+occurred': '2026-11-28T11:30:00Z',
        '#date+reported': '2026-11-28T11:31:02Z',
        '#meta+type': 'arrivals',
        '#loc+code': 'ibrahim-khalil',
        '#loc+name+i_ar': 'إبراهيم الخليل',
        '#loc+type': 'checkpoint',
        '#adm1+code': 'IQG09',
        '#adm1+name+i_ar': 'دهوك',
        '#geo+lat': '37.144722',
        '#geo+lon': '42.56556',
        '#meta+period_minutes': '60',
        '#affected+arrivals+ind': '1200',
        '#affected+arrivals+hh': '240',
        '#affected+departures+ind': '15',
        '#population+ind': '',
        '#capacity+num': '',
        '#meta+exercise': 'false',
      },
    },
    {
      name: 'occupancy at an unlocated shelter, from a drill',
      report: { ...base, siteId: 'domiz-1', kind: 'occupancy', occupancy: 25000, exercise: true },
      site: domiz,
      expected: { '#population+ind': '25000', '#capacity+num': '27000', '#geo+lat': '', '#geo+lon': '', '#affected+arrivals+ind': '', '#meta+exercise': 'true' },
    },
    {
      name: 'a health status whose note and name would run as formulas',
      report: { ...base, siteId: 'domiz-1-clinic', kind: 'health', status: 'limited', note: '=cmd|calc' },
      site: clinic,
      expected: { '#status+code': 'limited', '#description': "'=cmd|calc", '#loc+name+i_en': '\'=HYPERLINK("x")' },
    },
    {
      name: 'a report for a site the registry no longer knows',
      report: { ...base, siteId: 'gone', kind: 'occupancy', occupancy: 3 },
      site: undefined,
      expected: { '#loc+code': 'gone', '#loc+name+i_en': '', '#adm1+code': '', '#population+ind': '3' },
    },
  ];

  it.each(cases)('$name', ({ report, site, expected }) => {
    const row = hxlRow(report, site, site ? duhok : undefined);
    expect(row).toHaveLength(HXL_COLUMNS.length);
    expect(byTag(row)).toMatchObject(expected);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+964 750', "'+964 750"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=x', "'\t=x"],
    ['no insulin', 'no insulin'],
    ['لا يوجد أنسولين', 'لا يوجد أنسولين'],
    ['', ''],
  ])('neutralises %j as %j', (input, output) => {
    expect(neutraliseFormula(input)).toBe(output);
  });
});

describe('destination rows', () => {
  const report: StoredReport = {
    ...base,
    siteId: 'ibrahim-khalil',
    kind: 'arrivals',
    arrivals: 1200,
    periodMinutes: 60,
    destinations: [
      { to: 'IQG11', persons: 700 },
      { to: 'unknown', persons: 300 },
    ],
  };

  it('follow the report row, one per destination in the order reported, origin and destination by p-code', () => {
    const rows = hxlRows(report, ibrahimKhalil, duhok).map(byTag);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ '#meta+type': 'arrivals', '#affected+arrivals+ind': '1200', '#adm1+code+origin': '', '#adm1+code+dest': '', '#affected+ind+dest': '' });
    expect(rows[1]).toMatchObject({
      '#meta+id': base.id,
      '#meta+type': DESTINATION_ROW_TYPE,
      '#loc+code': 'ibrahim-khalil',
      '#adm1+code': 'IQG09',
      '#adm1+code+origin': 'IQG09',
      '#adm1+code+dest': 'IQG11',
      '#affected+ind+dest': '700',
      // the report's counts stay on its own row: a sum over the column counts each person once
      '#affected+arrivals+ind': '',
      '#meta+period_minutes': '',
    });
    expect(rows[2]).toMatchObject({ '#adm1+code+dest': 'unknown', '#affected+ind+dest': '300' });
  });

  it('a report without destinations, or of another kind, is one row as before', () => {
    const { destinations: _, ...plain } = report;
    expect(hxlRows(plain, ibrahimKhalil, duhok)).toEqual([hxlRow(plain, ibrahimKhalil, duhok)]);
    const occupancy: StoredReport = { ...base, siteId: 'domiz-1', kind: 'occupancy', occupancy: 3 };
    expect(hxlRows(occupancy, domiz, duhok)).toHaveLength(1);
  });

  it('keep the quoting rules: a name that would run as a formula is neutralised on every row, codes and counts never', () => {
    const formulaSite: Site = { ...ibrahimKhalil, nameEn: '=HYPERLINK("x")', nameAr: ' ,"قوس"' };
    for (const row of hxlRows(report, formulaSite, duhok).map(byTag)) {
      expect(row['#loc+name+i_en']).toBe('\'=HYPERLINK("x")');
      // a leading space, a comma and quotes: the CSV writer quotes the cell
      expect(CSV_QUOTED_MATCH.test(row['#loc+name+i_ar']!)).toBe(true);
    }
    for (const row of hxlRows(report, formulaSite, duhok).slice(1).map(byTag)) {
      for (const tag of ['#adm1+code+origin', '#adm1+code+dest', '#affected+ind+dest', '#meta+type']) {
        expect(row[tag]!.startsWith("'"), tag).toBe(false);
        expect(CSV_QUOTED_MATCH.test(row[tag]!), tag).toBe(false);
      }
    }
  });
});
