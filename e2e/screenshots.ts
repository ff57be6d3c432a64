// Screenshots of every screen for docs/screenshots/, to look at after a change to the interface:
//
//   npx tsx e2e/screenshots.ts [--out docs/screenshots] [--skip-build] [--only wall]
//
// Builds the dashboard, starts the real server on a temporary store, seeds a real week and plays the
// 72-hour mass-crossing scenario into the exercise world as if it had run until now, then shoots the
// overview, the wall (1920×1080 and 3840×2160) and the drill-down during the drill, the real overview,
// and the field form on a phone (390×844), in English and Arabic. Not part of npm test. It prints any
// console error or request to another address a screen made.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { startServer, type Running } from '../server/testing/harness.ts';
import buildClient from './globalSetup.ts';
import { launchBrowser, watchedPage } from './support/browser.ts';
import { playScenarioUntilNow, seedRealWeek } from './support/seed.ts';

interface Shot {
  file: string;
  address: string;
  width: number;
  height: number;
  token: 'coordinator' | 'viewer' | 'reporter';
  /** the whole page, on a screen as tall as it, not only the first screenful */
  fullPage?: boolean;
  /** what a person does before the picture is taken */
  prepare?: (page: Page) => Promise<void>;
}

/** The field form with a checkpoint chosen and a count typed, as it looks mid-report. */
const fillArrivals = async (page: Page) => {
  await page.getByTestId('site-ibrahim-khalil').click();
  await page.locator('input[name="arrivals"]').fill('240');
};

const SHOTS: Shot[] = [
  { file: 'overview-exercise-en.png', address: '/?lang=en&exercise', width: 1920, height: 1080, token: 'coordinator', fullPage: true },
  { file: 'overview-exercise-ar.png', address: '/?lang=ar&exercise', width: 1920, height: 1080, token: 'coordinator', fullPage: true },
  { file: 'overview-real-en.png', address: '/?lang=en', width: 1920, height: 1080, token: 'coordinator', fullPage: true },
  { file: 'wall-exercise-en-1920.png', address: '/wall?lang=en&exercise&rotate=300', width: 1920, height: 1080, token: 'viewer' },
  { file: 'wall-exercise-ar-1920.png', address: '/wall?lang=ar&exercise&rotate=300', width: 1920, height: 1080, token: 'viewer' },
  { file: 'wall-exercise-en-3840.png', address: '/wall?lang=en&exercise&rotate=300', width: 3840, height: 2160, token: 'viewer' },
  { file: 'wall-exercise-ar-3840.png', address: '/wall?lang=ar&exercise&rotate=300', width: 3840, height: 2160, token: 'viewer' },
  { file: 'wall-exercise-en-1280.png', address: '/wall?lang=en&exercise&rotate=300', width: 1280, height: 720, token: 'viewer' },
  { file: 'governorate-exercise-en.png', address: '/g/IQG09?lang=en&exercise', width: 1920, height: 1080, token: 'coordinator', fullPage: true },
  { file: 'governorate-exercise-ar.png', address: '/g/IQG09?lang=ar&exercise', width: 1920, height: 1080, token: 'coordinator', fullPage: true },
  { file: 'report-en.png', address: '/report?lang=en', width: 390, height: 844, token: 'reporter', prepare: fillArrivals },
  { file: 'report-ar.png', address: '/report?lang=ar', width: 390, height: 844, token: 'reporter', prepare: fillArrivals },
];

/** Waits until a screen has drawn its data: the map's shapes, the numbers, the charts, the fonts. */
async function settled(page: Page, address: string): Promise<void> {
  if (address.startsWith('/report')) {
    await page.getByTestId('site-ibrahim-khalil').waitFor({ timeout: 30_000 });
  } else {
    await page.waitForSelector('[data-testid=map][data-ready=true]', { state: 'attached', timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=arrivals1h] output')?.textContent !== '—', undefined, { timeout: 30_000 });
    if (address.startsWith('/g/')) await page.waitForSelector('[data-testid=chart-occupancy] .recharts-area', { state: 'attached', timeout: 30_000 });
  }
  await page.evaluate(() => document.fonts.ready);
  // the map's first frames after the data, and the wall's camera move
  await page.waitForTimeout(2_500);
}

async function shoot(browser: Browser, server: Running, tokens: Record<Shot['token'], string>, shot: Shot, out: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: shot.width, height: shot.height } });
  try {
    const watched = await watchedPage(context, server.url);
    await watched.page.goto(`${server.url}${shot.address}#token=${encodeURIComponent(tokens[shot.token])}`);
    await settled(watched.page, shot.address);
    await shot.prepare?.(watched.page);
    if (shot.fullPage) {
      // A screen as tall as the page, rather than Playwright's full-page capture: the exercise frame
      // is fixed to the viewport and would otherwise frame only the first screenful.
      const height = await watched.page.evaluate(() => document.documentElement.scrollHeight);
      await watched.page.setViewportSize({ width: shot.width, height });
      await watched.page.waitForTimeout(1_500);
    }
    await watched.page.screenshot({ path: path.join(out, shot.file) });
    const problems = [...watched.errors, ...watched.outsideRequests.map((url) => `outside request: ${url}`)];
    console.log(`${shot.file}${problems.length ? `  (${problems.join('; ')})` : ''}`);
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'skip-build': { type: 'boolean' }, only: { type: 'string' } } });
  const out = path.resolve(values.out ?? path.join(import.meta.dirname, '..', 'docs', 'screenshots'));
  fs.mkdirSync(out, { recursive: true });
  if (!values['skip-build']) buildClient();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const tokens = {
      coordinator: await server.tokenFor('coordinator'),
      viewer: await server.tokenFor('viewer'),
      reporter: await server.tokenFor('reporter', ['ibrahim-khalil', 'domiz-1', 'domiz-1-clinic']),
    };
    await seedRealWeek(server);
    const { posted } = await playScenarioUntilNow(server);
    console.log(`real week seeded; ${posted} exercise reports of the mass-crossing scenario played until now`);
    browser = await launchBrowser();
    // --only wall: the shots whose file name contains it, to look again at one screen
    for (const shot of SHOTS.filter((s) => !values.only || s.file.includes(values.only))) await shoot(browser, server, tokens, shot, out);
    console.log(`written to ${out}`);
  } finally {
    await browser?.close();
    await server.stop();
  }
}

await main();
