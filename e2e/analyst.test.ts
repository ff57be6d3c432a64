// The analyst's desk in Chromium against the real server: the drill-down's charts over a range kept in
// the address, the per-checkpoint parts against the whole, the influx line where the threshold is,
// Arabic value axes measured unclipped, the time slider's past picture and LIVE, and the situation
// report printed to PDF in three languages. Screenshots go to /tmp/amina-shots/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../shared/schemas.ts';
import { ADMIN_TOKEN, startServer, type Running } from '../server/testing/harness.ts';
import { printSitrep, sitrepAddress } from '../scripts/sitrep.ts';
import { launchBrowser } from './support/browser.ts';
import { expectClean, mapReady, openScreen, pictureLoaded, SCREEN_TIMEOUT_MS } from './support/screens.ts';
import { arrivals, HOUR, occupancy, post } from './support/seed.ts';

const SHOTS = '/tmp/amina-shots';
const DUHOK_INFLUX_24H = 25_000;

let server: Running;
let browser: Browser;
let viewer: string;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  viewer = await server.tokenFor('viewer');
  // Eight days of Duhok: both crossings every 50 minutes (Ibrahim Khalil with departures), Domiz 1
  // twice a day, and a surge at Peshkhabour in the last two hours.
  const reports: object[] = [];
  for (let minutes = 20; minutes < 8 * 24 * 60; minutes += 50) {
    const ik = arrivals('ibrahim-khalil', 60 + ((minutes * 7) % 90), minutes * 60_000);
    reports.push({ ...ik, departures: 10 + (minutes % 13), periodMinutes: 50 });
    reports.push({ ...arrivals('peshkhabour', 20 + ((minutes * 3) % 40), minutes * 60_000 + 5 * 60_000), periodMinutes: 50 });
  }
  for (let h = 7 * 24; h > 0; h -= 12) reports.push(occupancy('domiz-1', 22_000 + (7 * 24 - h) * 20, h * HOUR));
  reports.push(arrivals('peshkhabour', 900, 30 * 60_000), arrivals('peshkhabour', 700, 90 * 60_000));
  await post(server, reports);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The drill-down's charts have drawn the series the page asked for last. */
async function chartsDrawn(page: Page, bucket?: string): Promise<void> {
  await page.waitForSelector(`[data-testid=series-charts]${bucket ? `[data-bucket="${bucket}"]` : ''}`, { timeout: 30_000 });
  await page.waitForSelector('[data-testid=chart-arrivals] .recharts-bar-rectangle', { timeout: 30_000 });
  // Recharts draws the axes' labels after it has measured them
  await expect.poll(async () => Object.values(await xTicks(page)).every((ticks) => ticks !== ''), { timeout: 30_000 }).toBe(true);
  await page.waitForTimeout(300);
}

/** Each chart's x-axis tick labels, by chart: what a reader sees change when the range changes. */
async function xTicks(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-testid=series-charts] figure', (figures) =>
    Object.fromEntries(
      figures.map((f) => [
        f.getAttribute('data-testid') ?? '',
        [...f.querySelectorAll('.recharts-xAxis-tick-labels text')].map((t) => t.textContent).join('|'),
      ]),
    ),
  );
}

describe('the drill-down charts', () => {
  it('change all together with the range, and keep it in the address', { timeout: SCREEN_TIMEOUT_MS }, async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const watched = await openScreen(context, server, '/g/IQG09?lang=en', viewer);
      const { page } = watched;
      await chartsDrawn(page, '15m');
      const before = await xTicks(page);
      expect(Object.keys(before).sort()).toEqual(['chart-arrivals', 'chart-checkpoints', 'chart-occupancy', 'chart-shelters']);
      for (const [chart, ticks] of Object.entries(before)) expect(ticks, chart).not.toBe('');
      // the axis titles say the unit and the time zone
      const titles = await page.$$eval('[data-testid=chart-arrivals] .axis-title', (els) => els.map((e) => e.textContent));
      expect(titles).toEqual(['Persons per 15 minutes', expect.stringMatching(/^Time \(GMT/)]);

      await page.click('[data-range="7d"]');
      await chartsDrawn(page, '1h');
      expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
      // every chart, not only the first, is redrawn over the new range
      await expect.poll(async () => {
        const after = await xTicks(page);
        return Object.keys(before).filter((chart) => after[chart] === before[chart]);
      }).toEqual([]);
      const points = Number(await page.getAttribute('[data-testid=series-charts]', 'data-points'));
      expect(points).toBeGreaterThan(160);
      expect(points).toBeLessThanOrEqual(200);
      expect(await page.$$eval('[data-testid=chart-arrivals] .recharts-line', (l) => l.length), 'departures, since Ibrahim Khalil reports them').toBe(1);

      // a reload keeps the range; a custom range goes into the address as from and to
      await page.reload();
      await chartsDrawn(page, '1h');
      expect(await page.getAttribute('[data-range="7d"]', 'aria-pressed')).toBe('true');
      await page.click('[data-range="custom"]');
      await page.fill('input[name=from]', localInput(Date.now() - 30 * 24 * HOUR));
      await page.fill('input[name=to]', localInput(Date.now() - 24 * HOUR));
      await page.click('.range-custom button[type=submit]');
      await chartsDrawn(page, '6h');
      const url = new URL(page.url());
      expect(url.searchParams.get('range')).toBeNull();
      expect(Date.parse(url.searchParams.get('to')!)).toBeLessThan(Date.now() - 23 * HOUR);
      // reversed: said in words, nothing asked
      await page.fill('input[name=from]', localInput(Date.now() - HOUR));
      await page.fill('input[name=to]', localInput(Date.now() - 2 * HOUR));
      await page.click('.range-custom button[type=submit]');
      await expect.poll(() => page.textContent('[data-testid=range-problem]')).toBe('The end must be later than the start.');
      expectClean(watched);
    } finally {
      await context.close();
    }
  });

  it('split arrivals by checkpoint into parts that sum to the governorate, and draw the influx line where the threshold is', { timeout: SCREEN_TIMEOUT_MS }, async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const watched = await openScreen(context, server, '/g/IQG09?lang=en&range=24h', viewer);
      const { page } = watched;
      await chartsDrawn(page, '15m');
      await page.click('[data-testid=chart-checkpoints] summary');
      const table = await page.$$eval('[data-testid=checkpoint-table] tbody tr', (rows) =>
        rows.map((row) => {
          const cells = [...row.querySelectorAll('td[data-key]')].map((td) => ({ key: td.getAttribute('data-key')!, value: Number(td.getAttribute('data-value')) }));
          return { parts: cells.filter((c) => c.key !== 'total').map((c) => c.value), total: cells.find((c) => c.key === 'total')!.value };
        }),
      );
      expect(table.length).toBeGreaterThan(90);
      for (const row of table) expect(row.parts.reduce((a, b) => a + b, 0)).toBe(row.total);
      expect(table.reduce((sum, r) => sum + r.total, 0)).toBeGreaterThan(1600);
      // the same sums as the API's own governorate series over the same range
      const range = { from: await page.getAttribute('[data-testid=series-charts]', 'data-from'), to: await page.getAttribute('[data-testid=series-charts]', 'data-to') };
      const api = await server.request('GET', `/api/governorates/IQG09/series?from=${range.from}&to=${range.to}&bucket=15m`, ADMIN_TOKEN);
      expect(table.map((r) => r.total)).toEqual((api.body as { arrivals: number }[]).map((p) => p.arrivals));
      // two series stacked: Ibrahim Khalil and Peshkhabour
      expect(await page.$$eval('[data-testid=chart-checkpoints] .recharts-bar', (bars) => bars.length)).toBe(2);

      const measured = await influxLineMeasured(page);
      expect(measured.expectedValue).toBeCloseTo(DUHOK_INFLUX_24H / 96, 5);
      expect(Math.abs(measured.lineY - measured.expectedY), JSON.stringify(measured)).toBeLessThan(1);
      // the charts, as an analyst scrolls to them on a 1920×1080 screen
      await page.$eval('[data-testid=range-picker]', (e) => e.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(SHOTS, 'analyst-governorate-en.png') });
      expectClean(watched);
    } finally {
      await context.close();
    }
  });

  it.each(['ar', 'ckb'] as const)('in %s run right to left with value labels inside the chart and clear of the ticks (measured)', { timeout: SCREEN_TIMEOUT_MS }, async (lang) => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const watched = await openScreen(context, server, `/g/IQG09?lang=${lang}&range=30d`, viewer);
      const { page } = watched;
      await chartsDrawn(page, '6h');
      const problems = await page.$$eval('[data-testid=series-charts] svg.recharts-surface', (svgs) => {
        const found: string[] = [];
        let checked = 0;
        for (const svg of svgs) {
          const box = svg.getBoundingClientRect();
          // Recharts draws the marks and the labels of an axis in layers of their own
          const marks = [...svg.querySelectorAll('.recharts-yAxis-tick-lines line')];
          const labels = [...svg.querySelectorAll('.recharts-yAxis-tick-labels text')];
          if (marks.length !== labels.length) found.push(`${marks.length} tick marks but ${labels.length} labels`);
          for (const [i, labelElement] of labels.entries()) {
            const text = labelElement.getBoundingClientRect();
            const mark = marks[i]!.getBoundingClientRect();
            checked++;
            const label = labelElement.textContent;
            if (!/^[٠-٩٬0-9]+$/.test(label ?? '')) found.push(`label ${label} is not in Arabic-Indic digits`);
            if (text.left < box.left - 0.5 || text.right > box.right + 0.5) found.push(`label ${label} clipped: ${text.left}–${text.right} outside ${box.left}–${box.right}`);
            // the axis is on the right: every label lies right of its tick mark, none over it
            if (text.left < mark.right - 0.5) found.push(`label ${label} overlaps its tick: ${text.left} < ${mark.right}`);
          }
          // time runs right to left: the earliest tick is the rightmost
          const xs = [...svg.querySelectorAll('.recharts-xAxis-tick-labels text')].map((t) => t.getBoundingClientRect().left);
          if (xs.length > 1 && !(xs[0]! > xs[xs.length - 1]!)) found.push('the time axis is not mirrored');
        }
        if (checked < 10) found.push(`only ${checked} value labels`);
        return found;
      });
      expect(problems).toEqual([]);
      // the unit sits above the axis, on its side: the right
      const title = await page.$eval('[data-testid=chart-arrivals] [data-testid=axis-title-y]', (e) => getComputedStyle(e).textAlign);
      expect(['start', 'right']).toContain(title);
      if (lang === 'ar') {
        await page.$eval('[data-testid=range-picker]', (e) => e.scrollIntoView({ block: 'start' }));
        await page.screenshot({ path: path.join(SHOTS, 'analyst-governorate-ar.png') });
      }
      expectClean(watched);
    } finally {
      await context.close();
    }
  });
});

/** Where the influx line is drawn, and where the value axis says its value lies. */
async function influxLineMeasured(page: Page): Promise<{ lineY: number; expectedY: number; expectedValue: number }> {
  return page.$eval('[data-testid=chart-arrivals]', (figure) => {
    const lineElement = figure.querySelector('.influx-line line')!;
    const lineY = lineElement.getBoundingClientRect().top + lineElement.getBoundingClientRect().height / 2;
    const marks = [...figure.querySelectorAll('.recharts-yAxis-tick-lines line')];
    const ticks = [...figure.querySelectorAll('.recharts-yAxis-tick-labels text')].map((label, i) => {
      const mark = marks[i]!.getBoundingClientRect();
      return { value: Number((label.textContent ?? '').replace(/,/g, '')), y: mark.top + mark.height / 2 };
    });
    const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
    const perValue = (b.y - a.y) / (b.value - a.value);
    // the line's own value, as the chart was given it
    const expectedValue = Number(lineElement.getAttribute('data-value'));
    return { lineY, expectedY: a.y + (expectedValue - a.value) * perValue, expectedValue };
  });
}

/** An instant as a datetime-local input takes it, in the browser's clock (the test runs on the same machine). */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Moves the slider as a hand would: the input's value, then its input event, which React hears. */
async function slideTo(page: Page, ms: number): Promise<void> {
  await page.$eval(
    '[data-testid=time-slider-input]',
    (input, value) => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setter.call(input, String(value));
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    ms,
  );
}

const headline24h = (page: Page) => page.textContent('[data-testid=arrivals24h] .value');

describe('the time slider', () => {
  it.each(['/', '/g/IQG09'])('on %s shows the picture of a past moment in a frame, holds live updates, and LIVE returns', { timeout: SCREEN_TIMEOUT_MS }, async (address) => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const watched = await openScreen(context, server, `${address}?lang=en&testhooks`, viewer);
      const { page } = watched;
      await pictureLoaded(page);
      const live = await headline24h(page);
      expect(await page.$('[data-testid=past-frame]')).toBeNull();

      // three days ago, on a quarter hour
      const target = Math.floor((Date.now() - 3 * 24 * HOUR) / (15 * 60_000)) * (15 * 60_000);
      await slideTo(page, target);
      await page.waitForSelector('[data-testid=past-banner]', { timeout: 15_000 });
      const at = (await page.getAttribute('[data-testid=past-banner]', 'data-at'))!;
      expect(Date.parse(at)).toBe(target);
      expect(new URL(page.url()).searchParams.get('at')).toBe(at);
      const then = (await server.request('GET', `/api/snapshot?at=${at}`, ADMIN_TOKEN)).body as Snapshot;
      const expected = address === '/' ? then.national.arrivals24h : then.governorates.find((g) => g.pcode === 'IQG09')!.arrivals24h;
      await expect.poll(() => headline24h(page)).toBe(expected.toLocaleString('en-GB'));
      expect(expected.toLocaleString('en-GB')).not.toBe(live);
      expect(await page.textContent('[data-testid=past-banner]')).toContain('PAST PICTURE');
      if (address === '/') await page.screenshot({ path: path.join(SHOTS, 'analyst-past-overview-en.png') });

      // a report now reaches the server, but the screen in the past does not move
      await post(server, [arrivals('ibrahim-khalil', 1234, 60_000)]);
      await page.waitForTimeout(1500);
      expect(await headline24h(page)).toBe(expected.toLocaleString('en-GB'));

      await page.click('[data-testid=go-live]');
      await page.waitForSelector('[data-testid=past-banner]', { state: 'detached', timeout: 15_000 });
      const now = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
      const liveNow = address === '/' ? now.national.arrivals24h : now.governorates.find((g) => g.pcode === 'IQG09')!.arrivals24h;
      await expect.poll(() => headline24h(page)).toBe(liveNow.toLocaleString('en-GB'));
      expect(new URL(page.url()).searchParams.get('at')).toBeNull();
      // and live updates flow again
      await post(server, [arrivals('peshkhabour', 11, 60_000)]);
      await expect.poll(() => headline24h(page), { timeout: 15_000 }).toBe((liveNow + 11).toLocaleString('en-GB'));
      expectClean(watched);
    } finally {
      await context.close();
    }
  });
});


describe('a link to a past moment', () => {
  it('opens the picture as known then: a report received a moment later is not in it', { timeout: SCREEN_TIMEOUT_MS }, async () => {
    await post(server, [arrivals('mandali', 5_000, 30 * 60_000)]);
    await new Promise((r) => setTimeout(r, 1200));
    const at = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    await new Promise((r) => setTimeout(r, 1200));
    await post(server, [arrivals('mandali', 3_000, 20 * 60_000)]);
    const then = (await server.request('GET', `/api/snapshot?at=${at}`, ADMIN_TOKEN)).body as Snapshot;
    const now = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
    expect(now.national.arrivals24h - then.national.arrivals24h).toBe(3_000);

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const watched = await openScreen(context, server, `/?lang=en&at=${at}`, viewer);
      const { page } = watched;
      await page.waitForSelector(`[data-testid=past-banner][data-at="${at}"]`, { timeout: 30_000 });
      await expect.poll(() => headline24h(page)).toBe(then.national.arrivals24h.toLocaleString('en-GB'));
      await mapReady(page);
      await page.screenshot({ path: path.join(SHOTS, 'analyst-past-link-en.png') });
      await page.click('[data-testid=go-live]');
      await expect.poll(() => headline24h(page), { timeout: 15_000 }).toBe(now.national.arrivals24h.toLocaleString('en-GB'));
      expectClean(watched);
    } finally {
      await context.close();
    }
  });
});

/** pdftotext's words with every digit as ASCII and no group separators: "٢٥٬١٢٠" and "25,120" both read "25120". */
function plainDigits(text: string): string {
  return text
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/(?<=\d)[,٬](?=\d)/g, '');
}

describe('the situation report', () => {
  let at: string;
  beforeAll(async () => {
    // an acknowledged alert with its note, so that the report has a state and a note to show
    const analyst = await server.tokenFor('analyst');
    const open = (await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body as { id: string; rule: string }[];
    const shelter = open.find((a) => a.rule === 'shelter_capacity');
    expect(shelter, 'Domiz 1 over its line').toBeDefined();
    expect((await server.request('POST', `/api/alerts/${shelter!.id}/ack`, analyst, { note: 'water trucking arranged' })).status).toBe(200);
    // a moment after the acknowledgement, to the second
    await new Promise((r) => setTimeout(r, 1100));
    at = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  });

  it.each(['en', 'ar', 'ckb'] as const)('prints to at most two A4 pages in %s, with the headline figures in the PDF', { timeout: SCREEN_TIMEOUT_MS }, async (lang) => {
    const out = path.join(SHOTS, `sitrep-${lang}.pdf`);
    fs.rmSync(out, { force: true });
    await printSitrep(browser, sitrepAddress(server.url, viewer, lang, at), out);
    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    // A4: 595 × 842 points
    expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    // pdftotext marks right-to-left runs with bidi controls: the words are what count here
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
    const plain = plainDigits(text);
    const now = (await server.request('GET', `/api/snapshot?at=${at}`, ADMIN_TOKEN)).body as Snapshot;
    const before = (await server.request('GET', `/api/snapshot?at=${new Date(Date.parse(at) - 24 * HOUR).toISOString()}`, ADMIN_TOKEN)).body as Snapshot;
    const figures = [now.national.arrivals24h, now.national.arrivals1h, now.national.occupancy, before.national.arrivals24h, before.national.occupancy];
    for (const n of figures) expect(plain, `${n} in the ${lang} PDF`).toMatch(new RegExp(`(?<!\\d)${n}(?!\\d)`));
    expect(now.national.arrivals24h).toBeGreaterThan(1000);
    // the acknowledgement's note (its column may wrap it, and the layout puts other columns between)
    expect(text).toContain('water trucking');
    expect(text).toContain('arranged');
    if (lang === 'en') {
      expect(text).toContain('Situation report');
      expect(text).toContain('acknowledged by analyst for tests');
    }
    else {
      // the figures themselves are written in Arabic-Indic digits
      expect(text).toMatch(/[٠-٩]/);
      expect(text).not.toMatch(new RegExp(`(?<![\\d.:-])${now.national.arrivals24h.toLocaleString('en-GB')}(?!\\d)`));
    }
    if (lang !== 'ckb') execFileSync('pdftoppm', ['-png', '-r', '90', '-f', '1', '-l', '1', '-singlefile', out, path.join(SHOTS, `sitrep-${lang}-page1`)]);
  });

  it('says in words when the moment is in the future, and prints nothing', { timeout: SCREEN_TIMEOUT_MS }, async () => {
    const out = path.join(SHOTS, 'sitrep-future.pdf');
    fs.rmSync(out, { force: true });
    await expect(printSitrep(browser, sitrepAddress(server.url, viewer, 'en', new Date(Date.now() + 24 * HOUR).toISOString()), out)).rejects.toThrow(/future/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
