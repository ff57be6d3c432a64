// When the form asks for a second look, and what it reads from the lead's typing.
import { describe, expect, it } from 'vitest';
import type { Report, Site } from '../../../shared/schemas.ts';
import { buildReport, EMPTY_FORM, readCount, type FormValues } from './formValues.ts';
import { checkReport, findOverlap, lastReport, median, periodsOverlap, type Warning } from './guardRails.ts';
import { newItem, type QueueItem } from './queue.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const ID = '00000000-0000-4000-8000-000000000001';
let n = 0;

const checkpoint: Site = { id: 'ibrahim-khalil', kind: 'checkpoint', nameEn: 'Ibrahim Khalil', nameAr: 'إبراهيم الخليل', governorate: 'IQG09', lon: 42.5, lat: 37.1 };
const shelter: Site = { id: 'domiz-1', kind: 'shelter', nameEn: 'Domiz 1', nameAr: 'دوميز 1', governorate: 'IQG09', lon: 43, lat: 36.8, capacity: 1000 };
const clinic: Site = { id: 'domiz-1-clinic', kind: 'health_post', nameEn: 'Domiz 1 clinic', nameAr: 'عيادة دوميز 1', governorate: 'IQG09', lon: 43, lat: 36.8 };

function arrivals(count: number, periodMinutes = 60, extra: Partial<Report> = {}, siteId = 'ibrahim-khalil'): Report {
  n++;
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, siteId, observedAt: new Date(Date.parse('2026-11-28T00:00:00Z') + n * 60_000).toISOString(), kind: 'arrivals', arrivals: count, periodMinutes, ...extra } as Report;
}
const occupancy = (count: number): Report => ({ id: ID, siteId: 'domiz-1', observedAt: '2026-11-28T10:00:00Z', kind: 'occupancy', occupancy: count });
const history = (...reports: Report[]): QueueItem[] => reports.map((r) => ({ ...newItem(r, NOW), state: 'sent' as const }));

describe('median', () => {
  it.each([
    [[], undefined],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('of %j is %j', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('checkReport', () => {
  const usual = history(arrivals(1200), arrivals(1100), arrivals(1300));
  it.each<[string, Report, Site, QueueItem[], Warning[]]>([
    ['12000 typed for 1200', arrivals(12000), checkpoint, usual, [{ kind: 'aboveUsual', field: 'arrivals', typed: 12000, usual: 1200 }]],
    ['4 times the usual passes', arrivals(4800), checkpoint, usual, []],
    ['a 24-hour total compared per hour', arrivals(24000, 1440), checkpoint, usual, []],
    ['a 15-minute count said back in 15 minutes', arrivals(1600, 15), checkpoint, usual, [{ kind: 'aboveUsual', field: 'arrivals', typed: 1600, usual: 300 }]],
    ['departures far above the usual', arrivals(1200, 60, { departures: 900 }), checkpoint, history(arrivals(1200, 60, { departures: 100 })), [{ kind: 'aboveUsual', field: 'departures', typed: 900, usual: 100 }]],
    ['small counts never', arrivals(40), checkpoint, history(arrivals(1), arrivals(2)), []],
    ['no history: above 5000', arrivals(5001), checkpoint, [], [{ kind: 'aboveLimit', field: 'arrivals', typed: 5001, limit: 5000 }]],
    ['no history: 5000 passes', arrivals(5000), checkpoint, [], []],
    ['history of another site does not count', arrivals(6000), checkpoint, history(arrivals(10, 60, {}, 'zakho')), [{ kind: 'aboveLimit', field: 'arrivals', typed: 6000, limit: 5000 }]],
    ['refused reports are no history', arrivals(6000), checkpoint, [{ ...newItem(arrivals(100), NOW), state: 'needs_attention' }], [{ kind: 'aboveLimit', field: 'arrivals', typed: 6000, limit: 5000 }]],
    ['occupancy above twice the capacity', occupancy(2500), shelter, [], [{ kind: 'aboveCapacity', typed: 2500, capacity: 1000 }]],
    ['occupancy near capacity passes', occupancy(1100), shelter, [], []],
    ['a health post closing', { id: ID, siteId: 'domiz-1-clinic', observedAt: '2026-11-28T10:00:00Z', kind: 'health', status: 'closed' }, clinic, [], [{ kind: 'closing' }]],
    ['a health post limited passes', { id: ID, siteId: 'domiz-1-clinic', observedAt: '2026-11-28T10:00:00Z', kind: 'health', status: 'limited' }, clinic, [], []],
  ])('%s', (_name, report, site, past, expected) => {
    // These reports are a minute apart, so their periods overlap; the overlap guard has its own table below.
    expect(checkReport(report, site, past).filter((w) => w.kind !== 'overlap')).toEqual(expected);
  });

  it('looks only at the ten latest reports of the site', () => {
    const old = Array.from({ length: 10 }, () => arrivals(10_000));
    const recent = Array.from({ length: 10 }, () => arrivals(100));
    expect(checkReport(arrivals(9000), checkpoint, history(...old, ...recent)).filter((w) => w.kind !== 'overlap')).toEqual([
      { kind: 'aboveUsual', field: 'arrivals', typed: 9000, usual: 100 },
    ]);
  });
});

describe('the overlap guard', () => {
  const at = (iso: string, periodMinutes: number, count = 250, siteId = 'ibrahim-khalil', id?: string): Report & { kind: 'arrivals' } => {
    n++;
    return { id: id ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, siteId, observedAt: iso, kind: 'arrivals', arrivals: count, periodMinutes };
  };
  it.each<[string, [string, number], [string, number], boolean]>([
    ['the same hour resent a minute later', ['2026-11-28T07:30:00Z', 60], ['2026-11-28T07:31:00Z', 60], true],
    ['back-to-back hours', ['2026-11-28T07:30:00Z', 60], ['2026-11-28T08:30:00Z', 60], false],
    ['a 15 minutes inside an earlier hour', ['2026-11-28T07:30:00Z', 60], ['2026-11-28T07:15:00Z', 15], true],
    ['a 24 h total over an earlier hour', ['2026-11-28T07:30:00Z', 60], ['2026-11-28T20:00:00Z', 1440], true],
    ['the next day', ['2026-11-28T07:30:00Z', 60], ['2026-11-29T07:30:00Z', 60], false],
  ])('%s: %s', (_name, [aAt, aPeriod], [bAt, bPeriod], expected) => {
    expect(periodsOverlap(at(aAt, aPeriod), at(bAt, bPeriod))).toBe(expected);
    expect(periodsOverlap(at(bAt, bPeriod), at(aAt, aPeriod))).toBe(expected);
  });

  it('names the latest overlapping report of the same site, from the phone before the server', () => {
    const first = at('2026-11-28T07:00:00Z', 60, 100);
    const second = at('2026-11-28T07:30:00Z', 60, 250);
    const otherSite = at('2026-11-28T07:40:00Z', 60, 9, 'zakho');
    const fromServer = at('2026-11-28T07:35:00Z', 60, 30);
    const now = at('2026-11-28T07:42:00Z', 60, 250);
    expect(findOverlap(now, history(first, second, otherSite))).toEqual({ kind: 'overlap', earlier: second, fromPhone: true });
    expect(findOverlap(now, history(first, second), [fromServer])).toEqual({ kind: 'overlap', earlier: fromServer, fromPhone: false });
    // The server's copy of the phone's own report is the phone's.
    expect(findOverlap(now, history(second), [{ ...second }])).toEqual({ kind: 'overlap', earlier: second, fromPhone: true });
    // Refused reports, other kinds and the report itself are no earlier report.
    expect(findOverlap(now, [{ ...newItem(second, NOW), state: 'needs_attention' }, ...history(now)])).toBeUndefined();
    expect(checkReport(now, checkpoint, history(second))).toEqual([{ kind: 'overlap', earlier: second, fromPhone: true }]);
    expect(findOverlap(occupancy(5), history(second))).toBeUndefined();
  });

  it('gives each site its last report', () => {
    const a = at('2026-11-28T07:00:00Z', 60);
    const b = at('2026-11-28T08:00:00Z', 60);
    const c = at('2026-11-28T09:00:00Z', 60, 5, 'zakho');
    expect(lastReport('ibrahim-khalil', history(b, a, c))).toEqual(b);
    expect(lastReport('ibrahim-khalil', history(a), [b])).toEqual(b);
    expect(lastReport('domiz-1', history(a))).toBeUndefined();
  });
});

describe('readCount', () => {
  it.each([
    ['', 'empty'],
    ['  ', 'empty'],
    ['1200', 1200],
    ['12,000', 12000],
    ['12 000', 12000],
    ['١٢٠٠', 1200],
    ['۱۲۰۰', 1200],
    ['١٬٢٠٠', 1200],
    ['-5', 'invalid'],
    ['12a', 'invalid'],
    ['1e5', 'invalid'],
    ['1234567890', 'invalid'],
  ])('reads %j as %j', (text, expected) => {
    expect(readCount(text)).toBe(expected);
  });
});

describe('buildReport', () => {
  const form = (patch: Partial<FormValues>): FormValues => ({ ...EMPTY_FORM, ...patch });
  it.each<[string, Site, Partial<FormValues>, unknown]>([
    [
      'arrivals with optional counts left out',
      checkpoint,
      { arrivals: '١٢٠٠', periodMinutes: 30 },
      { ok: true, report: { id: ID, siteId: 'ibrahim-khalil', observedAt: '2026-11-28T12:00:00Z', kind: 'arrivals', arrivals: 1200, periodMinutes: 30 } },
    ],
    [
      'arrivals with departures and households',
      checkpoint,
      { arrivals: '10', departures: '2', households: '3' },
      { ok: true, report: { id: ID, siteId: 'ibrahim-khalil', observedAt: '2026-11-28T12:00:00Z', kind: 'arrivals', arrivals: 10, periodMinutes: 60, departures: 2, households: 3 } },
    ],
    ['arrivals missing', checkpoint, { departures: 'x' }, { ok: false, errors: { arrivals: 'wholeNumber', departures: 'wholeNumber' } }],
    ['a count above the schema maximum', checkpoint, { arrivals: '2000000' }, { ok: false, errors: { arrivals: 'wholeNumber' } }],
    [
      'destinations: the typed governorates once each, the rest as unknown',
      checkpoint,
      { arrivals: '300', destinations: new Map([['IQG11', '١٠٠'], ['IQG09', '50'], ['IQG15', '']]) },
      {
        ok: true,
        report: {
          id: ID,
          siteId: 'ibrahim-khalil',
          observedAt: '2026-11-28T12:00:00Z',
          kind: 'arrivals',
          arrivals: 300,
          periodMinutes: 60,
          destinations: [
            { to: 'IQG11', persons: 100 },
            { to: 'IQG09', persons: 50 },
            { to: 'unknown', persons: 150 },
          ],
        },
      },
    ],
    [
      'destinations all placed: no unknown',
      checkpoint,
      { arrivals: '10', destinations: new Map([['IQG11', '10']]) },
      { ok: true, report: { id: ID, siteId: 'ibrahim-khalil', observedAt: '2026-11-28T12:00:00Z', kind: 'arrivals', arrivals: 10, periodMinutes: 60, destinations: [{ to: 'IQG11', persons: 10 }] } },
    ],
    ['destinations above the arrivals', checkpoint, { arrivals: '10', destinations: new Map([['IQG11', '8'], ['IQG08', '5']]) }, { ok: false, errors: { destinations: 'destTooMany' } }],
    ['a destination that is not a number', checkpoint, { arrivals: '10', destinations: new Map([['IQG11', 'x']]) }, { ok: false, errors: { destinations: 'wholeNumber' } }],
    ['occupancy', shelter, { occupancy: '850' }, { ok: true, report: { id: ID, siteId: 'domiz-1', observedAt: '2026-11-28T12:00:00Z', kind: 'occupancy', occupancy: 850 } }],
    ['health with a trimmed note', clinic, { status: 'limited', note: '  no insulin ' }, { ok: true, report: { id: ID, siteId: 'domiz-1-clinic', observedAt: '2026-11-28T12:00:00Z', kind: 'health', status: 'limited', note: 'no insulin' } }],
    ['health with no status and a long note', clinic, { note: 'x'.repeat(501) }, { ok: false, errors: { status: 'chooseStatus', note: 'noteTooLong' } }],
  ])('%s', (_name, site, values, expected) => {
    expect(buildReport(site, form(values), ID, NOW)).toEqual(expected);
  });

  it('names a problem no field can fix', () => {
    expect(buildReport(checkpoint, form({ arrivals: '5' }), 'not-a-uuid', NOW)).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/^id: /) } });
  });
});
