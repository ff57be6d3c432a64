// A drill is a world of its own, on screen: with ?exercise every screen shows the exercise picture in
// a frame and banner no one can miss or close; without it nothing of the drill shows, and the real
// screens stay as they were while a drill posts. Chromium against the real server.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../server/testing/harness.ts';
import { launchBrowser } from './support/browser.ts';
import { SCREEN_TIMEOUT_MS, expectClean, mapReady, openScreen, pictureLoaded } from './support/screens.ts';
import { arrivals, exerciseToken, health, occupancy, post } from './support/seed.ts';

const BANNER = 'EXERCISE · تمرين · ڕاهێنان';
const SCREENS = [
  { name: 'overview', path: '/' },
  { name: 'wall', path: '/wall' },
  { name: 'drill-down', path: '/g/IQG09' },
] as const;

let server: Running;
let browser: Browser;
let viewer: string;
let coordinator: string;
let drill: string;

beforeAll(async () => {
  server = await startServer();
  viewer = await server.tokenFor('viewer');
  coordinator = await server.tokenFor('coordinator');
  drill = await exerciseToken(server, ['safwan', 'mandali', 'domiz-1', 'kawergosk', 'domiz-1-clinic']);
  // the real picture: a quiet day
  await post(server, [arrivals('safwan', 430, 30 * 60_000), occupancy('kawergosk', 6_100, 40 * 60_000), health('domiz-1-clinic', 'operational', 60 * 60_000)]);
  // the drill: a surge at Mandali, Domiz 1 nearly full, its clinic closed
  await post(server, [arrivals('mandali', 1_800, 20 * 60_000), occupancy('domiz-1', 26_000, 30 * 60_000), health('domiz-1-clinic', 'closed', 10 * 60_000)], drill);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** What a screen shows of the exercise frame, measured in the page. */
async function frameOf(page: Page) {
  return page.evaluate(() => {
    const frame = document.querySelector<HTMLElement>('[data-testid=exercise-frame]');
    const banner = document.querySelector<HTMLElement>('[data-testid=exercise-banner]');
    if (!frame || !banner) return null;
    const style = getComputedStyle(frame);
    // the band's width as the styles resolve it on this screen
    const probe = document.createElement('div');
    probe.style.inlineSize = 'var(--exercise-frame)';
    probe.style.position = 'absolute';
    frame.parentElement!.append(probe);
    const band = probe.getBoundingClientRect().width;
    probe.remove();
    const rect = frame.getBoundingClientRect();
    const bannerRect = banner.getBoundingClientRect();
    return {
      band,
      position: style.position,
      tape: style.backgroundImage,
      coversViewport: rect.left === 0 && rect.top === 0 && rect.width === window.innerWidth && rect.height === window.innerHeight,
      zIndex: Number(style.zIndex),
      bannerText: banner.textContent,
      bannerTop: bannerRect.top,
      bannerHeight: bannerRect.height,
      bannerWords: [...banner.querySelectorAll('[lang]')].map((e) => e.getAttribute('lang')),
      bannerControls: banner.querySelectorAll('button, a, input, select, [tabindex]').length,
      // the page's own content starts below the banner and inside the band
      contentTop: document.querySelector('.screen > :not(.exercise-frame):not(.exercise-banner)')!.getBoundingClientRect().top,
    };
  });
}

describe.each(['en', 'ar'] as const)('the exercise frame in %s', (lang) => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  });
  afterAll(async () => {
    await context.close();
  });

  for (const screen of SCREENS) {
    it(`frames the ${screen.name} with ?exercise, and shows nothing of it without`, async () => {
      const exercise = await openScreen(context, server, `${screen.path}?lang=${lang}&exercise&testhooks`, viewer);
      await pictureLoaded(exercise.page);
      await mapReady(exercise.page);
      const frame = await frameOf(exercise.page);
      expect(frame).not.toBeNull();
      expect(frame!.bannerText).toBe(BANNER);
      expect(frame!.bannerWords).toEqual(['en', 'ar', 'ckb']);
      expect(frame!.bannerControls).toBe(0);
      expect(frame!.position).toBe('fixed');
      expect(frame!.coversViewport).toBe(true);
      expect(frame!.tape).toContain('repeating-linear-gradient');
      expect(frame!.band).toBeGreaterThanOrEqual(12);
      expect(frame!.zIndex).toBeGreaterThanOrEqual(1000);
      expect(frame!.bannerTop).toBe(0);
      expect(frame!.bannerHeight).toBeGreaterThanOrEqual(40);
      expect(frame!.contentTop).toBeGreaterThanOrEqual(frame!.bannerHeight);
      // scrolled to the end, the banner is still at the top of the screen
      await exercise.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      expect((await frameOf(exercise.page))!.bannerTop).toBe(0);
      expect(await exercise.page.evaluate(() => window.aminaStore!.getState().world)).toBe('exercise');
      expect(await exercise.page.getAttribute('html', 'dir')).toBe(lang === 'en' ? 'ltr' : 'rtl');
      if (screen.name === 'wall') {
        // the frame adds nothing to touch: the wall still has no controls at all
        const controls = await exercise.page.locator('button, input, select, textarea, a, [role=button], [tabindex]:not([tabindex="-1"])').count();
        expect(controls).toBe(0);
      }
      expectClean(exercise);
      await exercise.page.close();

      const real = await openScreen(context, server, `${screen.path}?lang=${lang}&testhooks`, viewer);
      await pictureLoaded(real.page);
      await mapReady(real.page);
      expect(await frameOf(real.page)).toBeNull();
      expect(await real.page.locator('.in-exercise').count()).toBe(0);
      expect(await real.page.evaluate(() => window.aminaStore!.getState().world)).toBe('real');
      expectClean(real);
      await real.page.close();
    }, SCREEN_TIMEOUT_MS);
  }
});

describe('two worlds on two screens', () => {
  it('keeps the real screens as they were while a drill posts, and each screen shows its own world', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const real = await openScreen(context, server, '/?lang=en&testhooks', viewer);
    const exercise = await openScreen(context, server, '/?lang=en&exercise&testhooks', viewer);
    await Promise.all([pictureLoaded(real.page), pictureLoaded(exercise.page)]);
    const picture = (page: Page) =>
      page.evaluate(() => {
        const s = window.aminaStore!.getState();
        return { seq: s.seq, national: s.national, alerts: Object.keys(s.alerts).sort(), arrivals: document.querySelector('[data-testid=arrivals1h] output')?.textContent };
      });
    const realBefore = await picture(real.page);

    // the drill goes on: a surge at Safwan, Kawergosk at 99 %
    await post(server, [arrivals('safwan', 3_000, 5 * 60_000), occupancy('kawergosk', 10_400, 5 * 60_000)], drill);
    await exercise.page.waitForFunction(
      () => Object.values(window.aminaStore!.getState().alerts).some((a) => a.rule === 'checkpoint_surge' && a.siteId === 'safwan'),
      undefined,
      { timeout: 15_000 },
    );
    // a real report after the drill's: the real screen has caught up with everything sent before it
    await post(server, [health('kawergosk-clinic', 'operational', 60_000)]);
    await real.page.waitForFunction(() => window.aminaStore!.getState().siteStates['kawergosk-clinic']?.lastReportAt != null, undefined, {
      timeout: 15_000,
    });
    const realAfter = await picture(real.page);
    expect(realAfter.national!.arrivals1h).toBe(realBefore.national!.arrivals1h);
    expect(realAfter.national!.occupancy).toBe(realBefore.national!.occupancy);
    expect(realAfter.alerts).toEqual(realBefore.alerts);
    expect(realAfter.arrivals).toBe(realBefore.arrivals);
    // exactly one real update (the clinic's): the drill's reports sent none
    expect(realAfter.seq).toBe(realBefore.seq! + 1);

    // each screen shows what the API says of its world, and nothing of the other
    const [realSnapshot, exerciseSnapshot] = await Promise.all([
      server.request('GET', '/api/snapshot', viewer),
      server.request('GET', '/api/snapshot?exercise=only', viewer),
    ]);
    const exerciseNow = await picture(exercise.page);
    expect(exerciseNow.national!.arrivals1h).toBe(exerciseSnapshot.body.national.arrivals1h);
    expect(exerciseNow.national!.arrivals1h).toBe(1_800 + 3_000);
    expect(exerciseNow.alerts).toEqual(exerciseSnapshot.body.alerts.map((a: { id: string }) => a.id).sort());
    expect(realAfter.national!.arrivals1h).toBe(realSnapshot.body.national.arrivals1h);
    expect(realAfter.alerts).toEqual(realSnapshot.body.alerts.map((a: { id: string }) => a.id).sort());
    expect(realAfter.alerts.some((id) => exerciseNow.alerts.includes(id))).toBe(false);

    // links between screens stay in the drill's world
    const link = await exercise.page.locator('[data-testid=ranking] a').first().getAttribute('href');
    expect(link).toMatch(/^\/g\/IQG\d\d\?.*exercise/);
    expectClean(real);
    expectClean(exercise);
    await context.close();
  }, SCREEN_TIMEOUT_MS);

  it("draws the drill-down's charts from the drill's series only in the exercise world", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    for (const world of ['exercise', 'real'] as const) {
      const watched = await openScreen(context, server, `/g/IQG10?lang=en${world === 'exercise' ? '&exercise' : ''}`, viewer);
      const series: { query: string; arrivals: number[] }[] = [];
      watched.page.on('response', async (r) => {
        if (!r.url().includes('/series')) return;
        const points = (await r.json()) as { arrivals: number }[];
        series.push({ query: new URL(r.url()).search, arrivals: points.map((p) => p.arrivals) });
      });
      await watched.page.reload();
      await watched.page.waitForSelector('[data-testid=chart-arrivals] .recharts-bar', { state: 'attached', timeout: 30_000 });
      await expect.poll(() => series.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      for (const { query } of series) expect(query.includes('exercise=only')).toBe(world === 'exercise');
      // Mandali's 1,800 arrivals are the drill's: the charts get them in the drill's world only
      const tallest = Math.max(...series.flatMap((s) => s.arrivals));
      if (world === 'exercise') expect(tallest).toBeGreaterThanOrEqual(1_800);
      else expect(tallest).toBe(0);
      expectClean(watched);
      await watched.page.close();
    }
    await context.close();
  }, SCREEN_TIMEOUT_MS);

  it('shows nothing rather than a snapshot of the other world', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const watched = await openScreen(context, server, '/?lang=en&exercise&testhooks', viewer);
    const { page } = watched;
    // A server that answered a drill's screen with the real picture (a bug, a proxy mixing sockets):
    // the socket's frames are passed on with the world rewritten.
    let rewritten = 0;
    await page.routeWebSocket(/socket\.io/, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((message) => {
        if (typeof message === 'string' && /^42\["(snapshot|update)"/.test(message)) {
          rewritten++;
          ws.send(message.replace('"world":"exercise"', '"world":"real"'));
        } else ws.send(message);
      });
      ws.onMessage((message) => upstream.send(message));
    });
    await page.reload();
    await page.waitForSelector('[data-testid=exercise-banner]');
    await page.waitForFunction(() => window.aminaStore?.getState().connection === 'live', undefined, { timeout: 20_000 });
    await expect.poll(() => rewritten, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(1_000);
    const shown = await page.evaluate(() => {
      const s = window.aminaStore!.getState();
      return { world: s.world, seq: s.seq, alerts: Object.keys(s.alerts).length, arrivals: document.querySelector('[data-testid=arrivals1h] output')?.textContent };
    });
    expect(shown).toEqual({ world: null, seq: null, alerts: 0, arrivals: '—' });
    await context.close();
  }, SCREEN_TIMEOUT_MS);
});

describe('the switch between the worlds', () => {
  it('is offered to a coordinator on the overview and the drill-down, keeping the language', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const watched = await openScreen(context, server, '/?lang=ar', coordinator);
    const { page } = watched;
    const toggle = page.getByTestId('exercise-switch');
    await toggle.waitFor();
    expect(await toggle.textContent()).toBe('فتح صورة التمرين');
    await Promise.all([page.waitForURL(/exercise/), toggle.click()]);
    expect(new URL(page.url()).searchParams.get('lang')).toBe('ar');
    await page.waitForSelector('[data-testid=exercise-banner]');
    await toggle.waitFor();
    expect(await toggle.textContent()).toBe('العودة إلى الصورة الفعلية');

    await page.goto(`${server.url}/g/IQG09?lang=en&exercise`);
    await toggle.waitFor();
    expect(await toggle.textContent()).toBe('Back to the real picture');
    await Promise.all([page.waitForURL((url) => !url.searchParams.has('exercise')), toggle.click()]);
    expect(new URL(page.url()).pathname).toBe('/g/IQG09');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    await mapReady(page);
    expect(await page.locator('[data-testid=exercise-banner]').count()).toBe(0);
    expect(await page.getByTestId('exercise-switch').textContent()).toBe('Open the exercise picture');
    expectClean(watched);
    await context.close();
  }, SCREEN_TIMEOUT_MS);

  it('is not offered to a viewer or an analyst, who still open a drill by its link', async () => {
    const analyst = await server.tokenFor('analyst');
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    for (const [token, address] of [
      [viewer, '/?lang=en&testhooks'],
      [analyst, '/g/IQG09?lang=en&exercise&testhooks'],
    ] as const) {
      const watched = await openScreen(context, server, address, token);
      await pictureLoaded(watched.page);
      await watched.page.waitForFunction(() => window.aminaStore!.getState().role !== null);
      expect(await watched.page.getByTestId('exercise-switch').count()).toBe(0);
      await watched.page.close();
    }
    await context.close();
  }, SCREEN_TIMEOUT_MS);
});
