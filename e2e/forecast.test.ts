// The capacity forecast on screen, in Chromium against the real server: the drill-down, the overview and
// the wall, in the three languages, with the assumptions visible. Screenshots go to /tmp/amina-shots/.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startServer, type Running } from '../server/testing/harness.ts';
import { launchBrowser, watchedPage } from './support/browser.ts';

const SHOTS = '/tmp/amina-shots';
const HOUR = 3_600_000;

let server: Running;
let browser: Browser;
let viewer: string;

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  viewer = await server.tokenFor('viewer');
  // Duhok: 250 places left in Domiz 1, and 100 arrivals an hour at Ibrahim Khalil for six hours: at
  // Duhok's shelter share in the fixtures, 15 %, 15 an hour seek shelter, so about 17 hours are left.
  const reports = [
    { id: randomUUID(), siteId: 'domiz-1', kind: 'occupancy', occupancy: 26_750, observedAt: ago(HOUR) },
    ...[5.5, 4.5, 3.5, 2.5, 1.5, 0.5].map((h) => ({
      id: randomUUID(),
      siteId: 'ibrahim-khalil',
      kind: 'arrivals',
      arrivals: 100,
      periodMinutes: 60,
      observedAt: ago(h * HOUR),
    })),
  ];
  const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports });
  if (answer.status !== 201) throw new Error(`reports refused: ${JSON.stringify(answer.body)}`);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const HEADLINES = {
  en: 'Duhok: shelters full in about 17 hours at the current inflow',
  ar: 'دهوك: تمتلئ المخيمات خلال نحو',
  ckb: 'دهۆک: بەپێی ڕێژەی هاتنی ئێستا، کەمپەکان لە ماوەی نزیکەی',
} as const;

describe.each(['en', 'ar', 'ckb'] as const)('the capacity forecast in %s', (lang) => {
  for (const screen of [
    { name: 'drill-down', address: '/g/IQG09', full: true },
    { name: 'overview', address: '/', full: false },
    { name: 'wall', address: '/wall', full: false },
  ]) {
    it(`shows Duhok's hours until full on the ${screen.name}, with its assumptions`, async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      try {
        const watched = await watchedPage(context, server.url);
        const { page } = watched;
        await page.goto(`${server.url}${screen.address}?lang=${lang}#token=${encodeURIComponent(viewer)}`);
        const forecast = page.locator('[data-testid=capacity-forecast-panel] [data-testid=capacity-forecast]').first();
        await forecast.waitFor({ timeout: 20_000 });
        expect(await forecast.getAttribute('data-status')).toBe('projected');
        expect(await forecast.getAttribute('data-level')).toBe('warning');
        const text = (await forecast.textContent()) ?? '';
        expect(text).toContain(HEADLINES[lang]);
        // estimated rates in whole persons: no "99.7 arrivals an hour" (the smoothed inflow is fractional)
        if (lang === 'en') expect(text).not.toMatch(/\d\.\d+ (arrivals|persons) an hour|range \d+\.\d|to \d+\.\d/);
        if (screen.full) {
          // every assumption, in the language's digits: 15 %, a 6-hour half-life, 250 places
          expect(await forecast.locator('.cf-assumptions dt').count()).toBe(4);
          for (const d of lang === 'en' ? ['15%', '6 hours', '250 places'] : ['١٥', '٦', '٢٥٠']) expect(text).toContain(d);
        } else {
          // the share and the room left stay in view on the lists too
          for (const d of lang === 'en' ? ['15%', '250 places'] : ['١٥', '٢٥٠']) expect(text).toContain(d);
        }
        expect(await page.getAttribute('html', 'dir')).toBe(lang === 'en' ? 'ltr' : 'rtl');
        await page.locator('[data-testid=capacity-forecast-panel]').screenshot({ path: `${SHOTS}/forecast-${screen.name}-${lang}.png` });
        expect(watched.outsideRequests).toEqual([]);
        expect(watched.errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
