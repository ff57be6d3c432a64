// The picture tells the truth, in Chromium against the real server: occupancy says "no data" rather
// than 0 %, every shelter over its line is named, the forecast never says nothing fills beside such
// an alert, and each site's colour on the map is the severity of its open alerts, for any thresholds.
import fc from 'fast-check';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Thresholds } from '../shared/schemas.ts';
import { ADMIN_TOKEN, startServer, type Running } from '../server/testing/harness.ts';
import { launchBrowser } from './support/browser.ts';
import { SCREEN_TIMEOUT_MS, expectClean, mapReady, openScreen, pictureLoaded } from './support/screens.ts';
import { HOUR, arrivals, health, occupancy, post } from './support/seed.ts';

let browser: Browser;
const servers: Running[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});
afterAll(async () => {
  await browser?.close();
  for (const server of servers) await server.stop();
});

/** Each test gets a store of its own: what one posts never shows in another. */
async function freshServer(): Promise<{ server: Running; viewer: string }> {
  const server = await startServer();
  servers.push(server);
  return { server, viewer: await server.tokenFor('viewer') };
}

async function newContext(width = 1440, height = 1000): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  return context;
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

describe('occupancy without data', () => {
  it('says "no data" for a governorate whose shelters do not report, never 0 %, with the coverage beneath', async () => {
    const { server, viewer } = await freshServer();
    // Anbar's two shelters (Amiriyat al-Fallujah, Al-Obaidi) never report; Sulaymaniyah's Arbat reported 13 hours ago, past a shelter's
    // 12-hour silence window; Duhok's Domiz 1 reports now.
    await post(server, [occupancy('arbat', 4_000, 13 * HOUR), occupancy('domiz-1', 13_500, HOUR)]);
    const context = await newContext();
    for (const [lang, noData, coverage] of [
      ['en', 'no data', '0 of 2 shelters reporting · 12,000 places not reporting'],
      ['ar', 'لا بيانات', 'المخيمات المبلِّغة: ٠ من ٢ · أماكن بلا تقارير: ١٢٬٠٠٠'],
    ] as const) {
      const watched = await openScreen(context, server, `/g/IQG01?lang=${lang}&testhooks`, viewer);
      await pictureLoaded(watched.page);
      expect(await text(watched.page, '[data-testid=occupancy] output')).toBe(noData);
      expect(await text(watched.page, '[data-testid=occupancy-coverage]')).toBe(coverage);
      expectClean(watched);
      await watched.page.close();
    }
    // a stale report is no data either: Arbat's 4,000 of 5,000 must not read 80 %
    const stale = await openScreen(context, server, '/g/IQG06?lang=en&testhooks', viewer);
    await pictureLoaded(stale.page);
    expect(await text(stale.page, '[data-testid=occupancy] output')).toBe('no data');
    expect(await text(stale.page, '[data-testid=occupancy-coverage]')).toBe('0 of 2 shelters reporting · 10,000 places not reporting');
    await stale.page.close();

    // the overview: the national share counts Domiz 1 alone (50 %), and so does the coverage
    const overview = await openScreen(context, server, '/?lang=en&testhooks', viewer);
    const { page } = overview;
    await mapReady(page);
    expect(await text(page, '[data-testid=occupancy] output')).toBe('50%');
    const shelterCount = (await server.request('GET', '/api/sites', viewer)).body.filter((s: { kind: string }) => s.kind === 'shelter').length;
    expect(await text(page, '[data-testid=occupancy-coverage]')).toMatch(new RegExp(`^1 of ${shelterCount} shelters reporting · [\\d,]+ places not reporting$`));
    // the ranking: no data where shelters exist but none reports, a dash where there are none
    const occupancyCell = (pcode: string) => text(page, `[data-testid=ranking] tr[data-pcode=${pcode}] td:nth-of-type(2)`);
    expect(await occupancyCell('IQG01')).toBe('no data');
    expect(await occupancyCell('IQG06')).toBe('no data');
    expect(await occupancyCell('IQG02')).toBe('—'); // Al-Basrah has no shelter in the registry
    expect(await occupancyCell('IQG09')).toBe('50%');
    // the map colours by occupancy: no value for Anbar (drawn hatched, as the legend says), Duhok's share
    await page.locator('[data-testid=metric]').selectOption('occupancyRatio');
    await page.waitForFunction(() => window.aminaMap!.getFeatureState({ source: 'governorates', id: 'IQG09' }).value === 0.5);
    const values = await page.evaluate(() =>
      ['IQG01', 'IQG06', 'IQG08', 'IQG09'].map((id) => window.aminaMap!.getFeatureState({ source: 'governorates', id }).value),
    );
    expect(values).toEqual([null, null, null, 0.5]);
    const hatching = await page.evaluate(() => {
      const map = window.aminaMap!;
      return { pattern: map.getPaintProperty('governorates-no-data', 'fill-pattern'), image: map.hasImage('no-data-hatch') };
    });
    expect(hatching).toEqual({ pattern: 'no-data-hatch', image: true });
    expect(await text(page, '[data-testid=legend-no-data]')).toBe('no data');
    expectClean(overview);
  }, SCREEN_TIMEOUT_MS);
});

describe('shelters at or above their warning line', () => {
  it('are named on the overview, fullest first, as the open shelter_capacity alerts say', async () => {
    const { server, viewer } = await freshServer();
    await post(server, [
      occupancy('domiz-1', 27_500, HOUR), // 101.9 % of 27,000: critical
      occupancy('gawilan', 20_000, HOUR), // 91.95 % of 21,750: warning, and reads 91 %, not 92 %
      occupancy('kawergosk', 10_290, HOUR), // 98 % of 10,500: warning
      occupancy('basirma', 2_000, HOUR), // 44 %: not listed
    ]);
    const context = await newContext();
    for (const [lang, expected] of [
      [
        'en',
        [
          ['domiz-1', 'critical', 'Domiz 1 refugee camp', 'Duhok', '101%'],
          ['kawergosk', 'warning', 'Kawergosk refugee camp', 'Erbil', '98%'],
          ['gawilan', 'warning', 'Gawilan refugee camp', 'Ninewa', '91%'],
        ],
      ],
      ['ar', [['domiz-1', 'critical', null, 'دهوك', '١٠١']]],
    ] as const) {
      const watched = await openScreen(context, server, `/?lang=${lang}&testhooks`, viewer);
      const { page } = watched;
      await pictureLoaded(page);
      const list = page.locator('[data-testid=shelters-over-line] li');
      await expect.poll(() => list.count(), { timeout: 10_000 }).toBe(3);
      const rows = await list.evaluateAll((items) =>
        items.map((li) => [
          li.getAttribute('data-site-id'),
          li.getAttribute('data-severity'),
          li.querySelector('.shelter-name')!.textContent,
          li.querySelector('.shelter-governorate')!.textContent,
          li.querySelector('.shelter-percent')!.textContent,
        ]),
      );
      if (lang === 'en') {
        expect(rows).toEqual(expected);
        expect(await text(page, '[data-testid=shelters-over-line] h2')).toBe('Shelters at 90% or more');
      } else {
        const [siteId, severity, , governorate, percent] = expected[0];
        expect(rows[0]!.slice(0, 2)).toEqual([siteId, severity]);
        expect(rows[0]![3]).toBe(governorate);
        expect(rows[0]![4]).toContain(percent);
        // the severity in words, not only in colour
        expect(await text(page, '[data-testid=shelters-over-line] li .badge')).toBe('حرج');
      }
      // the same shelters as the open shelter_capacity alerts, with their severities
      const fromAlerts = await page.evaluate(() =>
        Object.values(window.aminaStore!.getState().alerts)
          .filter((a) => a.rule === 'shelter_capacity')
          .map((a) => `${a.siteId}:${a.severity}`)
          .sort(),
      );
      expect(rows.map(([id, severity]) => `${id}:${severity}`).sort()).toEqual(fromAlerts);
      expectClean(watched);
      await watched.page.close();
    }
  }, SCREEN_TIMEOUT_MS);

  it('on the wall, show the fullest that fit and "+ N more" for the rest, at 1920×1080 and at 4K', async () => {
    const { server, viewer } = await freshServer();
    const shelters = (await server.request('GET', '/api/sites', viewer)).body.filter(
      (s: { kind: string; capacity?: number }) => s.kind === 'shelter' && s.capacity,
    ) as { id: string; capacity: number }[];
    // every shelter over its line, each fuller than the last: 90 % … 106 %
    await post(
      server,
      shelters.map((s, i) => occupancy(s.id, Math.ceil(s.capacity * (0.9 + i / 100)), HOUR)),
    );
    const fullestFirst = shelters.map((s) => s.id).reverse();
    for (const [width, height] of [
      [1920, 1080],
      [3840, 2160],
    ]) {
      const context = await newContext(width, height);
      const watched = await openScreen(context, server, '/wall?lang=en&testhooks&rotate=300', viewer);
      const { page } = watched;
      await mapReady(page);
      await page.waitForSelector('[data-testid=shelters-more]');
      const shown = await page.locator('[data-testid=shelters-over-line] li').evaluateAll((items) => items.map((li) => li.getAttribute('data-site-id')));
      const more = Number((await text(page, '[data-testid=shelters-more]')).replace(/\D/g, ''));
      expect(shown.length).toBeGreaterThanOrEqual(1);
      expect(shown).toEqual(fullestFirst.slice(0, shown.length));
      expect(shown.length + more).toBe(shelters.length);
      // nothing cut off: the side column holds what it shows
      const side = await page.evaluate(() => {
        const column = document.querySelector('.wall-side')!;
        const bottom = column.getBoundingClientRect().bottom;
        return {
          overflows: column.scrollHeight > column.clientHeight + 1,
          lastBottom: Math.max(...[...column.querySelectorAll('li, .more')].map((e) => e.getBoundingClientRect().bottom)),
          bottom,
        };
      });
      expect(side.overflows).toBe(false);
      expect(side.lastBottom).toBeLessThanOrEqual(side.bottom + 1);
      expectClean(watched);
    }
  }, SCREEN_TIMEOUT_MS);
});

describe('the forecast and the alerts', () => {
  it('never says no governorate fills while a shelter is over its line, and lists a full governorate first', async () => {
    const { server, viewer } = await freshServer();
    // Duhok: arrivals reported but none of them seeking shelter (zero arrivals for four hours), half
    // full: its forecast can be judged and says "not filling", which once led to "no governorate's
    // shelters are projected to fill" beside Gawilan's alert at 95 %.
    await post(server, [
      ...[3.5, 2.5, 1.5, 0.5].map((h) => arrivals('ibrahim-khalil', 0, h * HOUR)),
      occupancy('domiz-1', 13_500, HOUR),
      occupancy('gawilan', 20_700, HOUR),
    ]);
    const context = await newContext();
    const listEmpty = {
      en: /No governorate’s shelters are projected to fill/,
      ar: /لا يُتوقع امتلاء مخيمات أي محافظة/,
    };
    for (const lang of ['en', 'ar'] as const) {
      const watched = await openScreen(context, server, `/?lang=${lang}&testhooks`, viewer);
      const { page } = watched;
      await pictureLoaded(page);
      const panel = page.locator('[data-testid=capacity-forecast-panel]');
      await page.waitForSelector('[data-testid=forecast-over-line]');
      expect(await panel.textContent()).not.toMatch(listEmpty[lang]);
      expect(await text(page, '[data-testid=forecast-over-line]')).toBe(
        lang === 'en'
          ? 'At or above the warning line now: Gawilan refugee camp (95%)'
          : `عند خط التحذير أو فوقه الآن: مخيم كويلان (${new Intl.NumberFormat('ar-IQ', { style: 'percent' }).format(0.95)})`,
      );
      expectClean(watched);
      await page.close();
    }

    // Domiz 1 fills: Duhok is full now, and leads the list whatever its inflow data say
    await post(server, [occupancy('domiz-1', 27_000, 30 * 60_000)]);
    const watched = await openScreen(context, server, '/?lang=en&testhooks', viewer);
    const { page } = watched;
    await pictureLoaded(page);
    const first = page.locator('[data-testid=capacity-forecast-panel] .cf-list > li').first();
    await first.waitFor();
    expect(await first.getAttribute('data-pcode')).toBe('IQG09');
    expect(await first.locator('[data-testid=capacity-forecast]').getAttribute('data-status')).toBe('full');
    expect(await first.textContent()).toContain('Duhok: shelters full now');
    expect(await page.locator('[data-testid=capacity-forecast-panel]').textContent()).not.toMatch(listEmpty.en);

    // the wall says the same, and names both shelters over the line beside it
    const wallContext = await newContext(1920, 1080);
    const wall = await openScreen(wallContext, server, '/wall?lang=en&testhooks&rotate=300', viewer);
    await mapReady(wall.page);
    expect(await wall.page.locator('[data-testid=capacity-forecast-panel]').textContent()).not.toMatch(listEmpty.en);
    await expect.poll(() => wall.page.locator('[data-testid=shelters-over-line] li').count()).toBe(2);
    expectClean(watched);
    expectClean(wall);
  }, SCREEN_TIMEOUT_MS);
});

describe('map colour is alert severity', () => {
  /** Every drawn site's marker against its open alerts in the store; the mismatches, if any. */
  async function mapAgreesWithAlerts(page: Page): Promise<void> {
    const mismatches = () =>
      page.evaluate(() => {
        const s = window.aminaStore!.getState();
        const map = window.aminaMap!;
        const out: string[] = [];
        for (const site of Object.values(s.sites)) {
          if (site.lon === null || site.lat === null) continue;
          const open = Object.values(s.alerts).filter((a) => a.siteId === site.id && a.state !== 'resolved');
          const state = s.siteStates[site.id];
          const expected =
            !state || state.lastReportAt === null
              ? 'unknown'
              : open.some((a) => a.rule === 'site_silent')
                ? 'silent'
                : open.some((a) => a.severity === 'critical')
                  ? 'critical'
                  : open.length
                    ? 'warning'
                    : 'ok';
          const drawn = map.getFeatureState({ source: 'sites', id: site.id }).condition;
          if (drawn !== expected) out.push(`${site.id}: drawn ${String(drawn)}, alerts say ${expected}`);
        }
        return out;
      });
    // the map draws on the next animation frame after the store changes: give it a moment, then judge
    await expect.poll(mismatches, { timeout: 10_000 }).toEqual([]);
  }

  /** Waits until the open page judges by `thresholds` and holds the server's open alerts. */
  async function caughtUp(page: Page, server: Running, thresholds: Thresholds): Promise<void> {
    const open = (await server.request('GET', '/api/alerts?state=active,acknowledged', ADMIN_TOKEN)).body as { id: string; severity: string }[];
    const expected = open.map((a) => `${a.id}:${a.severity}`).sort();
    await page.waitForFunction(
      ([want, alerts]) => {
        const s = window.aminaStore!.getState();
        const sortedJson = (value: unknown): string =>
          JSON.stringify(value, (_key, v: unknown) =>
            v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
          );
        const held = Object.values(s.alerts)
          .map((a) => `${a.id}:${a.severity}`)
          .sort();
        return sortedJson(s.thresholds) === sortedJson(want) && JSON.stringify(held) === JSON.stringify(alerts);
      },
      [thresholds, expected] as const,
      { timeout: 15_000 },
    );
  }

  it('holds for random thresholds set by a coordinator, and the open map recolours without a reload', async () => {
    const { server, viewer } = await freshServer();
    const coordinator = await server.tokenFor('coordinator');
    const sites = (await server.request('GET', '/api/sites', viewer)).body as { id: string; kind: string; capacity?: number; lon: number | null }[];
    const drawn = sites.filter((s) => s.lon !== null);
    const checkpoints = drawn.filter((s) => s.kind === 'checkpoint');
    const shelters = drawn.filter((s) => s.kind === 'shelter' && s.capacity);
    const clinics = drawn.filter((s) => s.kind === 'health_post');
    // A spread of numbers and ages, so that each threshold moves some sites across a line; a few
    // sites never report and stay unknown.
    await post(server, [
      ...checkpoints.slice(0, -2).map((s, i) => arrivals(s.id, 150 * i, ((i % 5) + 0.5) * HOUR)),
      ...shelters.slice(0, -1).map((s, i) => occupancy(s.id, Math.round(s.capacity! * (0.55 + 0.06 * i)), ((i % 4) * 3 + 1) * HOUR)),
      ...clinics.slice(0, -1).map((s, i) => health(s.id, (['operational', 'limited', 'closed'] as const)[i % 3]!, ((i % 6) * 4 + 1) * HOUR)),
    ]);
    const base = (await server.request('GET', '/api/thresholds', coordinator)).body as Thresholds;

    const context = await newContext();
    const watched = await openScreen(context, server, '/?lang=en&testhooks', viewer);
    const { page } = watched;
    await mapReady(page);
    await caughtUp(page, server, base);
    await mapAgreesWithAlerts(page);

    const put = async (thresholds: Thresholds) => {
      const answer = await server.request('PUT', '/api/thresholds', coordinator, thresholds);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      await caughtUp(page, server, answer.body as Thresholds);
      await mapAgreesWithAlerts(page);
    };
    const conditionOf = (id: string) => page.evaluate((siteId) => window.aminaMap!.getFeatureState({ source: 'sites', id: siteId }).condition, id);

    // A change every shelter feels: with the warning line at 10 % each reporting shelter turns
    // warning or critical on the open page, no reload.
    const quiet = shelters[0]!.id; // 55 % of its capacity: normal under the fixtures' 90 %
    expect(await conditionOf(quiet)).toBe('ok');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await put({ ...base, shelterCapacity: { warningRatio: 0.1, criticalRatio: 0.6 } });
    expect(await conditionOf(quiet)).toBe('warning');
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);

    const siteIds = (list: { id: string }[]) => fc.constantFrom(...list.map((s) => s.id));
    const thresholds = fc
      .record({
        surge: fc.integer({ min: 1, max: 1_500 }),
        perSite: fc.dictionary(siteIds(checkpoints), fc.integer({ min: 1, max: 1_500 }), { maxKeys: 4 }),
        warningRatio: fc.double({ min: 0.3, max: 1.3, noNaN: true }),
        criticalExtra: fc.double({ min: 0, max: 0.5, noNaN: true }),
        silentHours: fc.double({ min: 0.25, max: 30, noNaN: true }),
        shelterSilent: fc.option(fc.double({ min: 0.25, max: 30, noNaN: true }), { nil: undefined }),
        silentPerSite: fc.dictionary(siteIds(drawn), fc.double({ min: 0.25, max: 30, noNaN: true }), { maxKeys: 3 }),
      })
      .map(
        (r): Thresholds => ({
          ...base,
          checkpointSurge: { arrivals1h: r.surge, perSite: r.perSite },
          shelterCapacity: { warningRatio: r.warningRatio, criticalRatio: Math.min(5, r.warningRatio + r.criticalExtra) },
          siteSilent: { hours: r.silentHours, perKind: r.shelterSilent === undefined ? {} : { shelter: r.shelterSilent }, perSite: r.silentPerSite },
        }),
      );
    // a handful of runs: each is a PUT, a broadcast and a redraw of a live page
    await fc.assert(fc.asyncProperty(thresholds, put), { numRuns: 5, endOnFailure: true });
    expectClean(watched);
  }, 300_000);
});
