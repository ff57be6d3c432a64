// The Store contract as a test suite: every adapter runs it, so SQLite and PostgreSQL behave alike.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalReport, Thresholds, type Alert, type Site, type StoredReport } from '../../shared/schemas.ts';
import { loadFixtures } from '../fixtures.ts';
import { ReportConflictError, type AuditEntry, type SeedData, type Store, type TokenRecord } from './store.ts';

const fixtures = loadFixtures(path.join(import.meta.dirname, '..', '..', 'fixtures'));

const SITES: Site[] = [
  { id: 'ibrahim-khalil', kind: 'checkpoint', nameEn: 'Ibrahim Khalil', nameAr: 'إبراهيم الخليل', governorate: 'IQG09', lon: 42.4, lat: 37.1 },
  { id: 'domiz-1', kind: 'shelter', nameEn: 'Domiz 1', nameAr: 'دوميز 1', governorate: 'IQG09', lon: 42.9, lat: 36.8, capacity: 1000 },
  { id: 'domiz-2', kind: 'shelter', nameEn: 'Domiz 2', nameAr: 'دوميز 2', governorate: 'IQG09', lon: 42.9, lat: 36.8, capacity: 500 },
  { id: 'domiz-1-clinic', kind: 'health_post', nameEn: 'Domiz 1 clinic', nameAr: 'عيادة دوميز 1', governorate: 'IQG09', lon: 42.9, lat: 36.8 },
];

const SEED: SeedData = { sites: SITES, thresholds: fixtures.thresholds };

const RECEIVED = '2026-11-28T12:00:00Z';

function arrivals(count: number, observedAt: string, extra: Partial<StoredReport> = {}): StoredReport {
  return {
    id: randomUUID(),
    siteId: 'ibrahim-khalil',
    observedAt,
    kind: 'arrivals',
    arrivals: count,
    periodMinutes: 60,
    receivedAt: RECEIVED,
    ...extra,
  } as StoredReport;
}

function occupancy(siteId: string, value: number, observedAt: string, receivedAt = RECEIVED, id = randomUUID()): StoredReport {
  return { id, siteId, observedAt, kind: 'occupancy', occupancy: value, receivedAt };
}

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: randomUUID(),
    rule: 'checkpoint_surge',
    severity: 'warning',
    siteId: 'ibrahim-khalil',
    governorate: 'IQG09',
    message: 'Ibrahim Khalil: 600 arrivals in the last hour (threshold 500)',
    value: 600,
    threshold: 500,
    state: 'active',
    raisedAt: '2026-11-28T12:00:00Z',
    updatedAt: '2026-11-28T12:00:00Z',
    ...overrides,
  };
}

function token(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: randomUUID(),
    hash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    role: 'reporter',
    sites: ['ibrahim-khalil'],
    label: 'IK day shift',
    createdAt: '2026-11-28T12:00:00Z',
    ...overrides,
  };
}

/** A report as ingest gives it to the store: id in lower case, instant in one spelling. */
function canonicalStored(report: StoredReport): StoredReport {
  return { ...canonicalReport(report), receivedAt: report.receivedAt, ...(report.exercise ? { exercise: true } : {}) } as StoredReport;
}

async function collect(iterable: AsyncIterable<StoredReport>): Promise<StoredReport[]> {
  const out: StoredReport[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

async function replayed(store: Store): Promise<StoredReport[]> {
  const out: StoredReport[] = [];
  await store.log.replay((r) => out.push(r));
  return out;
}

/**
 * Runs the contract against one adapter. `openFreshStore` gives an empty store each time and
 * `openSameStore` another connection to the last one given; the suite initialises and closes them.
 */
export function describeStoreContract(
  name: string,
  openFreshStore: () => Promise<Store>,
  openSameStore: () => Promise<Store>,
): void {
  describe(`the ${name} store keeps the Store contract`, () => {
    let store: Store;
    const opened: Store[] = [];

    async function open(fresh = true): Promise<Store> {
      const s = await (fresh ? openFreshStore() : openSameStore());
      opened.push(s);
      return s;
    }

    beforeEach(async () => {
      store = await open();
      await store.init(SEED);
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('init', () => {
      it('seeds sites and thresholds once, and a second init changes nothing', async () => {
        expect(await store.sites.list()).toEqual([...SITES].sort((a, b) => (a.id < b.id ? -1 : 1)));
        expect(await store.thresholds.get()).toEqual(fixtures.thresholds);
        const renamed = { ...SITES[0]!, nameEn: 'Ibrahim Khalil crossing' };
        await store.sites.put(renamed);
        const changed = Thresholds.parse({ ...fixtures.thresholds, siteSilent: { hours: 12, perSite: {} } });
        await store.thresholds.put(changed);
        await store.reports.append([arrivals(5, '2026-11-28T11:00:00Z')]);

        await store.init(SEED);
        expect((await store.sites.list()).find((s) => s.id === renamed.id)).toEqual(renamed);
        expect(await store.thresholds.get()).toEqual(changed);
        expect(await store.reports.count()).toBe(1);
      });
    });

    describe('appendReports', () => {
      it('keeps an arrivals report\'s destinations, and knows its retry', async () => {
        const report = arrivals(150, '2026-11-28T11:00:00Z', { destinations: [{ to: 'IQG11', persons: 120 }, { to: 'unknown', persons: 30 }] } as Partial<StoredReport>);
        expect(await store.reports.append([report])).toEqual({ accepted: [report.id], duplicate: [] });
        expect((await replayed(store)).find((r) => r.id === report.id)).toEqual(report);
        expect(await store.reports.append([{ ...report, receivedAt: '2026-11-28T12:30:00Z' }])).toEqual({ accepted: [], duplicate: [report.id] });
      });

      it('accepts new reports, and answers a repeated one as a duplicate without storing it again', async () => {
        const a = arrivals(10, '2026-11-28T11:00:00Z');
        const b = occupancy('domiz-1', 400, '2026-11-28T11:00:00Z');
        expect(await store.reports.append([a, b])).toEqual({ accepted: [a.id, b.id], duplicate: [] });
        // A retry arrives later: receivedAt differs, the content does not.
        const retry = { ...a, receivedAt: '2026-11-28T12:30:00Z' };
        expect(await store.reports.append([retry])).toEqual({ accepted: [], duplicate: [a.id] });
        expect(await store.reports.count()).toBe(2);
        expect((await replayed(store)).find((r) => r.id === a.id)?.receivedAt).toBe(RECEIVED);
      });

      it('refuses a whole batch when one id was used with other content, and stores nothing of it', async () => {
        const stored = arrivals(10, '2026-11-28T11:00:00Z');
        await store.reports.append([stored]);
        const fresh = arrivals(20, '2026-11-28T11:10:00Z');
        const reused = { ...stored, arrivals: 11 } as StoredReport;
        const error = await store.reports.append([fresh, reused]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ReportConflictError);
        expect((error as ReportConflictError).ids).toEqual([stored.id]);
        expect(await store.reports.count()).toBe(1);
        expect((await replayed(store)).map((r) => r.id)).toEqual([stored.id]);
      });

      it('stores an id given twice in one batch once: the same content is a duplicate, other content a conflict', async () => {
        const twice = arrivals(7, '2026-11-28T11:00:00Z');
        expect(await store.reports.append([twice, { ...twice }])).toEqual({ accepted: [twice.id], duplicate: [twice.id] });
        expect(await store.reports.count()).toBe(1);

        const other = arrivals(8, '2026-11-28T11:00:00Z');
        const error = await store.reports.append([other, { ...other, arrivals: 9 } as StoredReport]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ReportConflictError);
        expect((error as ReportConflictError).ids).toEqual([other.id]);
        expect(await store.reports.count()).toBe(1);
      });

      it('answers concurrent posts of one id as one accepted and the rest duplicates or conflicts', async () => {
        const report = arrivals(3, '2026-11-28T11:00:00Z');
        const same = await Promise.all([1, 2, 3, 4].map(() => store.reports.append([{ ...report }])));
        expect(same.flatMap((r) => r.accepted)).toEqual([report.id]);
        expect(same.flatMap((r) => r.duplicate)).toEqual([report.id, report.id, report.id]);

        const contested = arrivals(1, '2026-11-28T11:00:00Z');
        const outcomes = await Promise.allSettled([
          store.reports.append([contested]),
          store.reports.append([{ ...contested, arrivals: 2 } as StoredReport]),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toBeInstanceOf(ReportConflictError);
        expect(await store.reports.count()).toBe(2);
      });

      it('keeps the exercise mark and receivedAt, and counts per site', async () => {
        const drill = arrivals(50, '2026-11-28T11:00:00Z', { exercise: true, receivedAt: '2026-11-28T11:59:00Z' });
        await store.reports.append([drill, occupancy('domiz-1', 10, '2026-11-28T11:00:00Z')]);
        const [first] = await replayed(store);
        expect(first).toEqual(drill);
        expect(await store.reports.count('ibrahim-khalil')).toBe(1);
        expect(await store.reports.count('domiz-2')).toBe(0);
        expect(await store.reports.count()).toBe(2);
      });
    });

    describe('deleteExerciseReports', () => {
      it('deletes only exercise reports, says how many, and frees nothing else', async () => {
        const real = arrivals(10, '2026-11-28T11:00:00Z');
        const drills = [arrivals(500, '2026-11-28T11:00:00Z', { exercise: true }), { ...occupancy('domiz-1', 900, '2026-11-28T11:00:00Z'), exercise: true }];
        await store.reports.append([real, ...drills]);
        expect(await store.reports.deleteExercise()).toBe(2);
        expect(await replayed(store)).toEqual([real]);
        expect(await store.reports.deleteExercise()).toBe(0);
        // a cleared drill report's id may be posted again as real data
        expect((await store.reports.append([{ ...drills[0]!, exercise: undefined }])).accepted).toEqual([drills[0]!.id]);
      });
    });

    describe('replayReports', () => {
      it('gives every report in storage order, whatever its observedAt, and returns the count', async () => {
        const batches = [
          [arrivals(1, '2026-11-28T11:00:00Z'), arrivals(2, '2026-11-27T09:00:00Z')],
          [occupancy('domiz-1', 300, '2026-11-20T00:00:00Z')],
          [arrivals(3, '2026-11-28T11:30:00Z')],
        ];
        for (const batch of batches) await store.reports.append(batch);
        const seen: StoredReport[] = [];
        await store.log.replay((r) => seen.push(r));
        expect(seen).toHaveLength(4);
        expect(seen).toEqual(batches.flat());
      });
    });

    describe('queryReports', () => {
      it('gives at most `limit` reports, the first in its order', async () => {
        const reports = [3, 1, 2].map((h) => arrivals(h, `2026-11-28T1${h}:00:00Z`));
        await store.reports.append(reports);
        const first = await collect(store.reports.query({ world: 'real', siteIds: ['ibrahim-khalil'], limit: 2 }));
        expect(first.map((r) => r.observedAt)).toEqual(['2026-11-28T11:00:00Z', '2026-11-28T12:00:00Z']);
        expect(await collect(store.reports.query({ world: 'real', limit: 0 }))).toEqual([]);
      });

      it('filters by site and by a range inclusive of from and exclusive of to, oldest observed first', async () => {
        const at10 = arrivals(1, '2026-11-28T10:00:00Z');
        const at11 = arrivals(2, '2026-11-28T11:00:00Z');
        const at11b = arrivals(3, '2026-11-28T11:00:00Z');
        const at12 = arrivals(4, '2026-11-28T12:00:00Z');
        const shelter = occupancy('domiz-1', 100, '2026-11-28T10:30:00Z');
        await store.reports.append([at12, at11]);
        await store.reports.append([at10, shelter, at11b]);

        const all = await collect(store.reports.query({ world: 'real' }));
        // by observedAt, then in storage order
        expect(all.map((r) => r.id)).toEqual([at10.id, shelter.id, at11.id, at11b.id, at12.id]);
        const range = await collect(
          store.reports.query({ world: 'real', fromMs: Date.parse('2026-11-28T10:30:00Z'), toMs: Date.parse('2026-11-28T12:00:00Z') }),
        );
        expect(range.map((r) => r.id)).toEqual([shelter.id, at11.id, at11b.id]);
        const bySite = await collect(store.reports.query({ world: 'real', siteIds: ['domiz-1'] }));
        expect(bySite.map((r) => r.id)).toEqual([shelter.id]);
        expect(await collect(store.reports.query({ world: 'real', siteIds: [] }))).toEqual([]);
        const arrivalsOnly = await collect(store.reports.query({ world: 'real', kind: 'arrivals', toMs: Date.parse('2026-11-28T12:00:00Z') }));
        expect(arrivalsOnly.map((r) => r.id)).toEqual([at10.id, at11.id, at11b.id]);
        expect(await collect(store.reports.query({ world: 'real', siteIds: ['domiz-1'], kind: 'arrivals' }))).toEqual([]);
      });

      it('gives each range its first arrivals reports of the site and world, in order, in one call', async () => {
        const at = (hhmm: string) => `2026-11-28T${hhmm}:00Z`;
        const ms = (hhmm: string) => Date.parse(at(hhmm));
        const a10 = arrivals(1, at('10:00'));
        const a11 = arrivals(2, at('11:00'));
        const a11b = arrivals(3, at('11:00'));
        const a12 = arrivals(4, at('12:00'));
        const drill = arrivals(5, at('11:00'), { exercise: true });
        const elsewhere = { ...arrivals(6, at('11:00')), siteId: 'domiz-1' } as StoredReport;
        await store.reports.append([a12, a11, drill]);
        await store.reports.append([a10, occupancy('domiz-1', 100, at('11:00')), elsewhere, a11b]);

        const ids = (found: StoredReport[][]) => found.map((reports) => reports.map((r) => r.id));
        const found = await store.reports.arrivalsWithin(
          'real',
          [
            { siteId: 'ibrahim-khalil', fromMs: ms('10:30'), toMs: ms('13:00') },
            { siteId: 'ibrahim-khalil', fromMs: ms('09:00'), toMs: ms('11:00') },
            { siteId: 'domiz-1', fromMs: ms('09:00'), toMs: ms('13:00') },
            { siteId: 'ibrahim-khalil', fromMs: ms('12:00'), toMs: ms('12:00') },
          ],
          2,
        );
        // by observedAt, then in storage order; at most the limit; only arrivals, only that site and world
        expect(ids(found)).toEqual([[a11.id, a11b.id], [a10.id], [elsewhere.id], []]);
        expect(found[0]![0]).toMatchObject({ kind: 'arrivals', arrivals: 2, receivedAt: RECEIVED });
        expect(ids(await store.reports.arrivalsWithin('exercise', [{ siteId: 'ibrahim-khalil', fromMs: 0, toMs: ms('13:00') }], 5))).toEqual([[drill.id]]);
        expect(await store.reports.arrivalsWithin('real', [], 5)).toEqual([]);
      });

      it('pages through more reports than one page holds, in order, without loss or repeat', async () => {
        const start = Date.parse('2026-11-01T00:00:00Z');
        const reports: StoredReport[] = [];
        // 2,400 reports, 60 per minute stamp, so that pages break inside runs of equal observedAt
        for (let i = 0; i < 2400; i++) reports.push(arrivals(i, new Date(start + Math.floor(i / 60) * 60_000).toISOString()));
        const shuffled = [...reports].reverse();
        for (let i = 0; i < shuffled.length; i += 500) await store.reports.append(shuffled.slice(i, i + 500));

        const read = await collect(store.reports.query({ world: 'real', siteIds: ['ibrahim-khalil'] }));
        expect(read).toHaveLength(2400);
        expect(new Set(read.map((r) => r.id)).size).toBe(2400);
        const times = read.map((r) => Date.parse(r.observedAt));
        expect(times).toEqual([...times].sort((a, b) => a - b));
        // equal observedAt: storage order, which here is the reverse of creation order
        expect(read.slice(0, 60).map((r) => r.id)).toEqual(reports.slice(0, 60).reverse().map((r) => r.id));
      });
    });

    describe('paging at volume', () => {
      // Every paged query pages on the typed sort key: a text sort (PostgreSQL sorting "1000" before
      // "999", or 13-digit times after 12-digit ones) loses or repeats rows at a page boundary.
      it('crosses seq 999 → 1000 and 9,999 → 10,000 and keeps dates before 2001, in order, once each', async () => {
        const reports: StoredReport[] = [];
        const start = Date.parse('2026-11-01T00:00:00Z');
        // 10,400 reports in 21 batches: every page of the query and of replay ends somewhere new
        for (let i = 0; i < 10_400; i++) reports.push(arrivals(1, new Date(start - (i % 97) * 60_000).toISOString()));
        // and the old ones: 12-digit epoch milliseconds, which a text sort puts after 13-digit ones
        const old = [arrivals(7, '1999-06-01T00:00:00Z'), arrivals(8, '2000-12-31T23:59:59Z'), arrivals(9, '1970-01-02T00:00:00Z')];
        for (let i = 0; i < reports.length; i += 500) await store.reports.append(reports.slice(i, i + 500));
        await store.reports.append(old);

        const read = await collect(store.reports.query({ world: 'real' }));
        expect(read).toHaveLength(10_403);
        expect(new Set(read.map((r) => r.id)).size).toBe(10_403);
        expect(read.slice(0, 3).map((r) => r.id)).toEqual([old[2]!.id, old[0]!.id, old[1]!.id]);
        const times = read.map((r) => Date.parse(r.observedAt));
        expect(times).toEqual([...times].sort((a, b) => a - b));
        // equal observedAt: storage order, which is the order they were appended in
        const order = new Map([...reports, ...old].map((r, i) => [r.id, i]));
        for (let i = 1; i < read.length; i++) {
          if (times[i] === times[i - 1]) expect(order.get(read[i]!.id)!).toBeGreaterThan(order.get(read[i - 1]!.id)!);
        }
        const replay = await replayed(store);
        expect(replay.map((r) => r.id)).toEqual([...reports, ...old].map((r) => r.id));
        const since1999 = await collect(store.reports.query({ world: 'real', fromMs: Date.parse('1999-01-01T00:00:00Z'), toMs: Date.parse('2001-01-01T00:00:00Z') }));
        expect(since1999.map((r) => r.id)).toEqual([old[0]!.id, old[1]!.id]);
      }, 120_000);
    });

    describe('worlds', () => {
      it('gives each world its own reports and alerts, and treats an id reused across worlds as a conflict', async () => {
        const real = arrivals(10, '2026-11-28T11:00:00Z');
        const drill = arrivals(500, '2026-11-28T11:00:00Z', { exercise: true });
        await store.reports.append([real, drill]);
        expect((await collect(store.reports.query({ world: 'real' }))).map((r) => r.id)).toEqual([real.id]);
        expect((await collect(store.reports.query({ world: 'exercise' }))).map((r) => r.id)).toEqual([drill.id]);
        const error = await store.reports.append([{ ...drill, exercise: undefined }]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ReportConflictError);

        const realAlert = alert();
        const drillAlert = alert({ severity: 'critical' });
        // the same rule and subject open in both worlds at once: two alerts, one each
        expect(await store.alerts.insert('real', realAlert)).toEqual(realAlert);
        expect(await store.alerts.insert('exercise', drillAlert)).toEqual(drillAlert);
        expect((await store.alerts.list('real')).map((a) => a.id)).toEqual([realAlert.id]);
        expect((await store.alerts.list('exercise')).map((a) => a.id)).toEqual([drillAlert.id]);
        expect((await store.alerts.get(drillAlert.id))?.world).toBe('exercise');
        const occupancyDrill = { ...occupancy('domiz-1', 900, '2026-11-28T11:00:00Z'), exercise: true };
        await store.reports.append([occupancyDrill, occupancy('domiz-1', 100, '2026-11-28T10:00:00Z')]);
        expect((await store.reports.latestOccupancyBefore('real', ['domiz-1'], Date.parse(RECEIVED))).map((r) => r.kind === 'occupancy' && r.occupancy)).toEqual([100]);
        expect((await store.reports.latestOccupancyBefore('exercise', ['domiz-1'], Date.parse(RECEIVED))).map((r) => r.kind === 'occupancy' && r.occupancy)).toEqual([900]);
      });
    });

    describe('report identity', () => {
      it('answers the same instant spelt otherwise as a duplicate, and a different instant as a conflict', async () => {
        const report = arrivals(10, '2026-11-28T11:00:00Z');
        await store.reports.append([report]);
        // what ingest hands the store: canonical already; the content compares whatever the spelling was
        expect(await store.reports.append([canonicalStored({ ...report, observedAt: '2026-11-28T14:00:00+03:00' })])).toEqual({ accepted: [], duplicate: [report.id] });
        expect(await store.reports.append([canonicalStored({ ...report, observedAt: '2026-11-28T11:00:00.000+00:00' })])).toEqual({ accepted: [], duplicate: [report.id] });
        const moved = await store.reports.append([{ ...report, observedAt: '2026-11-28T11:00:01Z' }]).catch((e: unknown) => e);
        expect(moved).toBeInstanceOf(ReportConflictError);
      });
    });

    describe('latestOccupancyBefore', () => {
      it("gives each shelter's latest occupancy before the time, breaking ties by receivedAt then id", async () => {
        await store.reports.append([
          occupancy('domiz-1', 100, '2026-11-28T08:00:00Z'),
          occupancy('domiz-1', 200, '2026-11-28T09:00:00Z', '2026-11-28T09:05:00Z'),
          occupancy('domiz-1', 250, '2026-11-28T09:00:00Z', '2026-11-28T09:10:00Z'),
          occupancy('domiz-1', 900, '2026-11-28T10:00:00Z'),
          occupancy('domiz-2', 40, '2026-11-28T09:00:00Z', RECEIVED, 'ffffffff-0000-4000-8000-000000000000'),
          occupancy('domiz-2', 30, '2026-11-28T09:00:00Z', RECEIVED, '00000000-0000-4000-8000-000000000000'),
        ]);
        const found = await store.reports.latestOccupancyBefore('real', ['domiz-1', 'domiz-2', 'ibrahim-khalil'], Date.parse('2026-11-28T10:00:00Z'));
        expect(found.map((r) => [r.siteId, r.kind === 'occupancy' && r.occupancy])).toEqual([
          ['domiz-1', 250],
          ['domiz-2', 40],
        ]);
        expect(await store.reports.latestOccupancyBefore('real', ['domiz-1'], Date.parse('2026-11-28T08:00:00Z'))).toEqual([]);
      });
    });

    describe('sites and thresholds', () => {
      it('creates and replaces sites, listed by id', async () => {
        const added: Site = { id: 'aaa-new-post', kind: 'health_post', nameEn: 'New post', nameAr: 'نقطة جديدة', governorate: 'IQG01', lon: null, lat: null };
        await store.sites.put(added);
        await store.sites.put({ ...SITES[1]!, capacity: 1200 });
        const sites = await store.sites.list();
        expect(sites.map((s) => s.id)).toEqual(['aaa-new-post', 'domiz-1', 'domiz-1-clinic', 'domiz-2', 'ibrahim-khalil']);
        expect(sites.find((s) => s.id === 'domiz-1')?.capacity).toBe(1200);
        expect(sites[0]).toEqual(added);
      });

      it('keeps a closed site with its closing, and its reports, and forgets the closing when it reopens', async () => {
        const report = occupancy('domiz-2', 300, '2026-11-28T11:00:00Z');
        await store.reports.append([report]);
        await store.sites.put({ ...SITES[2]!, closedAt: '2026-11-28T11:30:00Z' });
        expect((await store.sites.list()).find((s) => s.id === 'domiz-2')).toEqual({ ...SITES[2], closedAt: '2026-11-28T11:30:00Z' });
        expect(await store.reports.count('domiz-2')).toBe(1);
        await store.sites.putMany([SITES[2]!]);
        const reopened = (await store.sites.list()).find((s) => s.id === 'domiz-2')!;
        expect(reopened).toEqual(SITES[2]);
        expect('closedAt' in reopened).toBe(false);
        expect(await store.reports.count('domiz-2')).toBe(1);
      });

      it('replaces the thresholds whole', async () => {
        const next = Thresholds.parse({
          ...fixtures.thresholds,
          checkpointSurge: { arrivals1h: 42, perSite: { 'ibrahim-khalil': 7 } },
        });
        await store.thresholds.put(next);
        expect(await store.thresholds.get()).toEqual(next);
      });
    });

    describe('alerts', () => {
      it('stores an alert, finds it by id, and lists by state, newest raised first', async () => {
        const older = alert({ raisedAt: '2026-11-28T10:00:00Z' });
        const newer = alert({ rule: 'shelter_capacity', siteId: 'domiz-1', raisedAt: '2026-11-28T11:00:00Z' });
        const governorate = alert({ rule: 'governorate_influx', siteId: undefined, raisedAt: '2026-11-28T09:00:00Z' });
        delete governorate.siteId;
        for (const a of [older, newer, governorate]) expect(await store.alerts.insert('real', a)).toEqual(a);
        expect(await store.alerts.get(older.id)).toEqual({ alert: older, world: 'real' });
        expect(await store.alerts.get(randomUUID())).toBeUndefined();

        const acknowledged: Alert = { ...newer, state: 'acknowledged', acknowledgedAt: '2026-11-28T11:05:00Z', acknowledgedBy: 'analyst', note: 'seen', updatedAt: '2026-11-28T11:05:00Z' };
        await store.alerts.update(acknowledged);
        expect((await store.alerts.get(newer.id))?.alert).toEqual(acknowledged);
        expect((await store.alerts.list('real')).map((a) => a.id)).toEqual([newer.id, older.id, governorate.id]);
        expect((await store.alerts.list('real', ['active'])).map((a) => a.id)).toEqual([older.id, governorate.id]);
        expect((await store.alerts.list('real', ['acknowledged', 'resolved'])).map((a) => a.id)).toEqual([newer.id]);
        expect(await store.alerts.list('real', [])).toHaveLength(3);
      });

      it('keeps one open alert per rule and subject, and allows a new one once it resolved', async () => {
        const first = alert();
        expect(await store.alerts.insert('real', first)).toEqual(first);
        // the same rule and site from another instance: the open one comes back, nothing is stored
        expect(await store.alerts.insert('real', alert({ severity: 'critical' }))).toEqual(first);
        // another rule, or the same rule for another subject, is another alert
        const silent = alert({ rule: 'site_silent' });
        expect(await store.alerts.insert('real', silent)).toEqual(silent);
        expect(await store.alerts.list('real')).toHaveLength(2);

        await store.alerts.update({ ...first, state: 'resolved', resolvedAt: '2026-11-28T13:00:00Z', updatedAt: '2026-11-28T13:00:00Z' });
        const again = alert({ raisedAt: '2026-11-28T14:00:00Z', updatedAt: '2026-11-28T14:00:00Z' });
        expect(await store.alerts.insert('real', again)).toEqual(again);
        expect((await store.alerts.list('real', ['active'])).map((a) => a.id).sort()).toEqual([again.id, silent.id].sort());
      });

      it('raises one alert when many try at once for the same subject', async () => {
        const attempts = Array.from({ length: 6 }, () => alert());
        const answers = await Promise.all(attempts.map((a) => store.alerts.insert('real', a)));
        expect(new Set(answers.map((a) => a.id)).size).toBe(1);
        expect(await store.alerts.list('real', ['active'])).toHaveLength(1);
      });
    });

    describe('knownAt', () => {
      it("gives what the picture at a moment folds: the day's arrivals and each site's latest, received by then", async () => {
        const at = Date.parse('2026-11-28T12:00:00Z');
        const inDay = arrivals(5, '2026-11-28T08:00:00Z', { receivedAt: '2026-11-28T08:01:00Z' });
        const old = arrivals(6, '2026-11-26T08:00:00Z', { receivedAt: '2026-11-26T08:01:00Z' });
        const late = arrivals(7, '2026-11-28T09:00:00Z', { receivedAt: '2026-11-28T12:00:01Z' });
        const drill = arrivals(8, '2026-11-28T09:00:00Z', { receivedAt: '2026-11-28T09:01:00Z', exercise: true });
        const level = occupancy('domiz-1', 300, '2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z');
        const laterLevel = occupancy('domiz-1', 900, '2026-11-28T11:00:00Z', '2026-11-28T13:00:00Z');
        await store.reports.append([inDay, old, late, drill, level, laterLevel]);
        const sites = [
          { id: 'ibrahim-khalil', kind: 'checkpoint' as const },
          { id: 'domiz-1', kind: 'shelter' as const },
          { id: 'domiz-2', kind: 'shelter' as const },
        ];
        const known = await store.reports.knownAt('real', sites, at);
        // the day's arrivals, the checkpoint's latest (the same one again) and Domiz 1's level then
        expect(new Set(known.map((r) => r.id))).toEqual(new Set([inDay.id, level.id]));
        expect((await store.reports.knownAt('exercise', sites, at)).map((r) => r.id)).toEqual([drill.id, drill.id]);
        expect(await store.reports.knownAt('real', sites, Date.parse('2026-01-01T00:00:00Z'))).toEqual([]);
      });
    });

    describe('alert history', () => {
      it('keeps every raise, update, acknowledgement and resolution in order, per world, up to a time', async () => {
        const raised = alert({ raisedAt: '2026-11-28T10:00:00Z', updatedAt: '2026-11-28T10:00:00Z' });
        await store.alerts.insert('real', raised);
        await store.alerts.update({ ...raised, value: 800, updatedAt: '2026-11-28T10:30:00Z' });
        await store.alerts.update({ ...raised, value: 800, state: 'acknowledged', acknowledgedAt: '2026-11-28T10:40:00Z', acknowledgedBy: 'analyst', updatedAt: '2026-11-28T10:40:00Z' });
        const resolved = { ...raised, value: 800, state: 'resolved' as const, resolvedAt: '2026-11-28T11:00:00Z', updatedAt: '2026-11-28T11:00:00Z' };
        await store.alerts.update(resolved);
        // a late write from an instance that had not seen the resolution changes nothing, and leaves no entry
        await store.alerts.update({ ...raised, value: 900, updatedAt: '2026-11-28T11:05:00Z' });
        await store.alerts.insert('exercise', alert({ raisedAt: '2026-11-28T10:15:00Z', updatedAt: '2026-11-28T10:15:00Z' }));

        const history = await store.alerts.history('real');
        expect(history.map((e) => [e.kind, e.at, e.alert.state, e.alert.value])).toEqual([
          ['raised', '2026-11-28T10:00:00Z', 'active', 600],
          ['updated', '2026-11-28T10:30:00Z', 'active', 800],
          ['acknowledged', '2026-11-28T10:40:00Z', 'acknowledged', 800],
          ['resolved', '2026-11-28T11:00:00Z', 'resolved', 800],
        ]);
        expect((await store.alerts.history('real', { toMs: Date.parse('2026-11-28T10:40:00Z') })).map((e) => e.kind)).toEqual(['raised', 'updated', 'acknowledged']);
        expect((await store.alerts.history('real', { alertIds: [raised.id], toMs: Date.parse('2026-11-28T10:39:59Z') })).map((e) => e.kind)).toEqual(['raised', 'updated']);
        expect((await store.alerts.history('exercise')).map((e) => [e.kind, e.world])).toEqual([['raised', 'exercise']]);
      });
    });

    describe('tokens', () => {
      it('finds a token by its hash, revokes it once, and counts tokens', async () => {
        expect(await store.tokens.count()).toBe(0);
        const record = token();
        await store.tokens.create(record);
        await store.tokens.create(token({ role: 'viewer', sites: [] }));
        expect(await store.tokens.count()).toBe(2);
        expect(await store.tokens.findByHash(record.hash)).toEqual(record);
        expect(await store.tokens.findByHash('0'.repeat(64))).toBeUndefined();
        expect(await store.tokens.get(record.id)).toEqual(record);
        expect(await store.tokens.get(randomUUID())).toBeUndefined();

        expect(await store.tokens.revoke(record.id, '2026-11-28T13:00:00Z')).toBe(true);
        // revoking again keeps the first time: when it stopped working is what matters
        expect(await store.tokens.revoke(record.id, '2026-11-28T14:00:00Z')).toBe(true);
        expect((await store.tokens.findByHash(record.hash))?.revokedAt).toBe('2026-11-28T13:00:00Z');
        expect(await store.tokens.revoke(randomUUID(), '2026-11-28T13:00:00Z')).toBe(false);
      });

      it("keeps a drill token's exercise mark", async () => {
        const drill = token({ exercise: true, label: 'drill' });
        await store.tokens.create(drill);
        expect(await store.tokens.findByHash(drill.hash)).toEqual(drill);
      });

      it('keeps expiry and last use, lists every token in the order stored, and stamps last use only when stale', async () => {
        const first = token({ expiresAt: '2026-12-01T00:00:00Z', createdAt: '2026-11-28T12:00:00Z' });
        const second = token({ role: 'viewer', sites: [], createdAt: '2026-11-28T12:05:00Z' });
        await store.tokens.create(second);
        await store.tokens.create(first);
        expect(await store.tokens.list()).toEqual([second, first]);
        await store.tokens.touch(first.id, '2026-11-28T12:10:00Z', '2026-11-28T12:10:00Z');
        // a stamp at or after the stale line stays: a busy token writes once a minute
        await store.tokens.touch(first.id, '2026-11-28T12:10:00Z', '2026-11-28T12:10:00Z');
        await store.tokens.touch(first.id, '2026-11-28T12:09:00Z', '2026-11-28T12:09:00Z');
        expect((await store.tokens.findByHash(first.hash))?.lastUsedAt).toBe('2026-11-28T12:10:00Z');
        await store.tokens.touch(first.id, '2026-11-28T12:11:00Z', '2026-11-28T12:11:00Z');
        expect((await store.tokens.findByHash(first.hash))).toEqual({ ...first, lastUsedAt: '2026-11-28T12:11:00Z' });
      });

      it('creates a batch of tokens whole or not at all', async () => {
        const a = token();
        const b = token();
        await store.tokens.createMany([a, b]);
        expect(await store.tokens.count()).toBe(2);
        // the third reuses a stored hash: the batch fails, and its first token is not kept either
        const c = token();
        await expect(store.tokens.createMany([c, token({ hash: a.hash })])).rejects.toThrow();
        expect(await store.tokens.findByHash(c.hash)).toBeUndefined();
        expect(await store.tokens.count()).toBe(2);
      });

      it('revokes many tokens at once, or none when an id is unknown', async () => {
        const a = token();
        const b = token();
        await store.tokens.createMany([a, b]);
        const unknown = randomUUID();
        expect(await store.tokens.revokeMany([a.id, unknown], '2026-11-28T13:00:00Z')).toEqual({ missing: [unknown] });
        expect((await store.tokens.findByHash(a.hash))?.revokedAt).toBeUndefined();
        expect(await store.tokens.revokeMany([a.id, b.id], '2026-11-28T13:00:00Z')).toEqual({ missing: [] });
        expect(await store.tokens.revokeMany([a.id], '2026-11-28T14:00:00Z')).toEqual({ missing: [] });
        expect((await store.tokens.findByHash(a.hash))?.revokedAt).toBe('2026-11-28T13:00:00Z');
        expect((await store.tokens.findByHash(b.hash))?.revokedAt).toBe('2026-11-28T13:00:00Z');
      });
    });

    describe('phones', () => {
      it('registers a hash once, finds it with its token, lists and deletes', async () => {
        const reporter = token();
        await store.tokens.create(reporter);
        const phone = { id: randomUUID(), hash: 'a'.repeat(64), masked: '+9647•••••••12', tokenId: reporter.id, label: 'IK lead', createdAt: '2026-11-28T12:00:00Z' };
        expect(await store.phones.create(phone)).toBe(true);
        expect(await store.phones.create({ ...phone, id: randomUUID() })).toBe(false);
        expect(await store.phones.findByHash(phone.hash)).toEqual({ phone, token: reporter });
        expect(await store.phones.findByHash('b'.repeat(64))).toBeUndefined();
        const second = { ...phone, id: randomUUID(), hash: 'c'.repeat(64), createdAt: '2026-11-28T12:01:00Z' };
        await store.phones.create(second);
        expect((await store.phones.list()).map((p) => p.phone.id)).toEqual([phone.id, second.id]);

        // A revoked token's phone is still found, with the revocation, so the gateway can refuse it.
        await store.tokens.revoke(reporter.id, '2026-11-28T13:00:00Z');
        expect((await store.phones.findByHash(phone.hash))?.token.revokedAt).toBe('2026-11-28T13:00:00Z');

        expect(await store.phones.delete(phone.id)).toBe(true);
        expect(await store.phones.delete(phone.id)).toBe(false);
        expect((await store.phones.list()).map((p) => p.phone.id)).toEqual([second.id]);
      });
    });

    describe('audit', () => {
      it('appends entries and lists the latest first, up to the limit', async () => {
        const entries: AuditEntry[] = ['token.create', 'site.put', 'thresholds.change'].map((action, i) => ({
          id: randomUUID(),
          at: `2026-11-28T12:0${i}:00Z`,
          action: action as AuditEntry['action'],
          actor: { tokenId: 'env-admin', label: 'admin', role: 'admin' },
          subject: `subject-${i}`,
          details: { n: i },
        }));
        for (const e of entries) await store.audit.append(e);
        expect(await store.audit.list({ limit: 10 })).toEqual([...entries].reverse());
        expect(await store.audit.list({ limit: 2 })).toEqual([entries[2], entries[1]]);
      });

      it('filters by actor, action and time, and pages by keyset over more than a page', async () => {
        const actors = [
          { tokenId: 'env-admin', label: 'admin (HBM_ADMIN_TOKEN)', role: 'admin' as const },
          { tokenId: randomUUID(), label: 'Erbil Desk', role: 'coordinator' as const },
          { tokenId: randomUUID(), label: 'مكتب دهوك', role: 'coordinator' as const },
        ];
        const actions: AuditEntry['action'][] = ['token.create', 'thresholds.change', 'site.put', 'drill.start'];
        // 2,500 entries over 2,500 minutes: more than two of the adapters' pages of 1,000.
        const entries: AuditEntry[] = Array.from({ length: 2500 }, (_, i) => ({
          id: randomUUID(),
          at: new Date(Date.parse('2026-11-28T00:00:00Z') + i * 60_000).toISOString().replace('.000Z', 'Z'),
          action: actions[i % actions.length]!,
          actor: actors[i % actors.length]!,
          details: { i },
        }));
        // appended 25 at a time, concurrently: the store's order is the order of the commits, read back once
        for (let i = 0; i < entries.length; i += 25) await Promise.all(entries.slice(i, i + 25).map((e) => store.audit.append(e)));
        const newestFirst = (await store.audit.list({ limit: 10_000 }))!;
        expect(newestFirst).toHaveLength(2500);
        expect(new Set(newestFirst.map((e) => e.id))).toEqual(new Set(entries.map((e) => e.id)));

        const all: AuditEntry[] = [];
        for await (const e of store.audit.query({})) all.push(e);
        expect(all).toEqual(newestFirst);

        const desk = (e: AuditEntry) => e.actor.tokenId === actors[1]!.tokenId;
        const filter = { actor: 'erbil desk', actions: ['token.create', 'site.put'] as AuditEntry['action'][], from: '2026-11-28T05:00:00Z', to: '2026-11-29T12:00:00Z' };
        const expected = newestFirst.filter((e) => desk(e) && filter.actions.includes(e.action) && e.at >= filter.from && e.at < filter.to);
        expect(expected.length).toBeGreaterThan(150);

        // Page by page, 100 at a time, after the last entry of each page; an entry appended meanwhile shifts nothing.
        const paged: AuditEntry[] = [];
        let before: string | undefined;
        for (;;) {
          const page = (await store.audit.list({ ...filter, limit: 100, ...(before ? { before } : {}) }))!;
          paged.push(...page);
          if (page.length < 100) break;
          before = page[page.length - 1]!.id;
          await store.audit.append({ ...entries[5]!, id: randomUUID(), at: '2026-11-28T06:00:00Z' });
        }
        expect(paged.map((e) => e.id)).toEqual(expected.map((e) => e.id));

        const streamed: AuditEntry[] = [];
        for await (const e of store.audit.query({ actor: actors[2]!.tokenId })) streamed.push(e);
        const now = (await store.audit.list({ limit: 10_000 }))!;
        expect(streamed).toEqual(now.filter((e) => e.actor.tokenId === actors[2]!.tokenId));
        // a part of a label, in Arabic
        expect((await store.audit.list({ actor: 'دهوك', limit: 5000 }))!.length).toBe(streamed.length);
        expect(await store.audit.list({ actor: '%', limit: 10 })).toEqual([]);
        expect(await store.audit.list({ limit: 10, before: randomUUID() })).toBeUndefined();
      });
    });

    describe('durability across opening', () => {
      it('is the same store when opened again', async () => {
        const report = arrivals(12, '2026-11-28T11:00:00Z');
        await store.reports.append([report]);
        const again = await open(false);
        await again.init(SEED);
        expect(await replayed(again)).toEqual([report]);
        expect(await again.reports.append([report])).toEqual({ accepted: [], duplicate: [report.id] });
      });
    });
  });
}
