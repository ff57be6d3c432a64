// Screens for a room, measured in Chromium against the real server with the 72-hour mass-crossing
// scenario played into the exercise world: the wall fits every screen from 1280×720 to 3840×2160 with
// nothing overflowing its box, keeps its national strip and reads from afar; every screen in Arabic
// and Kurdish writes no Latin digit; axe-core finds no serious or critical violation in any language.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../server/testing/harness.ts';
import { launchBrowser } from './support/browser.ts';
import { SCREEN_TIMEOUT_MS, expectClean, mapReady, openScreen } from './support/screens.ts';
import { playScenarioUntilNow, seedRealWeek } from './support/seed.ts';

let server: Running;
let browser: Browser;
let viewer: string;
let analyst: string;
let reporter: string;

beforeAll(async () => {
  server = await startServer();
  viewer = await server.tokenFor('viewer');
  analyst = await server.tokenFor('analyst');
  reporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'domiz-1', 'domiz-1-clinic']);
  await seedRealWeek(server);
  await playScenarioUntilNow(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The wall has its picture: the map's shapes and the national numbers. */
async function wallReady(page: Page): Promise<void> {
  // two shared cores and software WebGL: the first map may take a while
  await page.waitForSelector('[data-testid=map][data-ready=true]', { state: 'attached', timeout: 90_000 });
  await mapReady(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=arrivals1h] output')?.textContent !== '—', undefined, { timeout: 30_000 });
  await page.evaluate(() => document.fonts.ready);
  // the camera's move to the rotation's governorate, and the side column's fitting
  await page.waitForTimeout(2_000);
}

/** Everything on the wall that overflows its box or leaves the viewport, measured in the page. */
async function wallMeasure(page: Page) {
  return page.evaluate(() => {
    const overflowing: string[] = [];
    const outside: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${[...el.classList].join('.')} “${(el.textContent ?? '').trim().slice(0, 40)}”`;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    /** the box an element must stay inside: its nearest ancestor that clips, else the viewport */
    const clipOf = (el: HTMLElement) => {
      for (let a = el.parentElement; a; a = a.parentElement) {
        const st = getComputedStyle(a);
        if (st.overflowX !== 'visible' || st.overflowY !== 'visible') return a.getBoundingClientRect();
      }
      return new DOMRect(0, 0, vw, vh);
    };
    for (const el of document.querySelectorAll<HTMLElement>('.wall *')) {
      // MapLibre's own elements (canvas, markers, labels) are placed by the map inside its frame
      if (el.closest('.maplibregl-map')) continue;
      // the exercise frame and the alarm's flash are fixed over everything, by design
      if (el.closest('.exercise-frame, .exercise-banner, .wall-flash')) continue;
      if (!el.checkVisibility()) continue;
      const style = getComputedStyle(el);
      // A box that clips must hold all its content in the axis it clips: else something is cut.
      // (A box that does not clip may let a tall script's marks reach past its line height: nothing is cut.)
      if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) overflowing.push(`${describe(el)} width ${el.scrollWidth} > ${el.clientWidth}`);
      if (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1) overflowing.push(`${describe(el)} height ${el.scrollHeight} > ${el.clientHeight}`);
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const box = clipOf(el);
      if (r.left < box.left - 1 || r.top < box.top - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1) {
        overflowing.push(`${describe(el)} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} beyond its clip ${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)}`);
      }
      if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) outside.push(`${describe(el)} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`);
    }
    const strip = document.querySelector<HTMLElement>('[data-testid=national-strip]');
    const stripRect = strip?.getBoundingClientRect();
    /** the rendered height of each headline number's text (its glyphs' line box), over the viewport's */
    const figureHeights = [...document.querySelectorAll<HTMLElement>('[data-testid=national-strip] .figure output.value')].map((output) => {
      const range = document.createRange();
      range.selectNodeContents(output);
      return range.getBoundingClientRect().height / vh;
    });
    return {
      overflowing,
      outside,
      page: { scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight, vw, vh },
      strip: stripRect ? { top: stripRect.top, bottom: stripRect.bottom, visible: strip!.checkVisibility() } : null,
      figureHeights,
      clock: document.querySelector('[data-testid=clock]')?.textContent ?? '',
    };
  });
}

describe.each([
  [1280, 720],
  [1920, 1080],
  [3840, 2160],
])('the wall at %i×%i', (width, height) => {
  it.each(['en', 'ar'] as const)('in %s: fits without clipping, keeps the national strip, reads from afar', async (lang) => {
    const context = await browser.newContext({ viewport: { width, height } });
    const watched = await openScreen(context, server, `/wall?lang=${lang}&exercise&rotate=300`, viewer);
    const { page } = watched;
    await wallReady(page);
    // a governorate is in focus (the scenario raises alerts), so the strip is what keeps the nation in view
    expect(await page.locator('[data-testid=focus-figures]').count()).toBe(1);
    const m = await wallMeasure(page);
    expect(m.overflowing).toEqual([]);
    expect(m.outside).toEqual([]);
    // no scrollbars
    expect(m.page.scrollWidth).toBeLessThanOrEqual(width);
    expect(m.page.scrollHeight).toBeLessThanOrEqual(height);
    expect(m.strip?.visible).toBe(true);
    expect(m.strip!.top).toBeGreaterThanOrEqual(0);
    expect(m.strip!.bottom).toBeLessThanOrEqual(height);
    expect(m.figureHeights.length).toBeGreaterThanOrEqual(4);
    for (const h of m.figureHeights) expect(h).toBeGreaterThanOrEqual(0.04);
    // date, 24-hour clock and zone in the language: no "ص"/"م", no AM/PM
    expect(m.clock).not.toMatch(/\b(AM|PM)\b|[صم]\s*$|\sص|\sم\b/);
    expect(m.clock).toMatch(lang === 'en' ? /\d{2}:\d{2}.*2026.*GMT\+3/ : /[٠-٩]{2}:[٠-٩]{2}.*٢٠٢٦.*غرينتش\+٣/);
    // the side column shows what fits and says how many more
    expect(await page.locator('[data-testid=wall-side] [data-testid=alert]').count()).toBeGreaterThanOrEqual(1);
    if (width === 1920) await page.screenshot({ path: `/tmp/amina-shots/room-wall-${lang}-${width}.png` });
    expectClean(watched);
    await context.close();
  }, SCREEN_TIMEOUT_MS);
});

/** Visible text on the page, its Latin digits, less what may be Latin: p-codes, dataset and licence names. */
async function latinDigits(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const allowed = [/IQG\d{2}/g, /CC BY-IGO 3\.0/g, /BSD-3-Clause/g, /COD-AB/g];
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !parent.checkVisibility() || parent.closest('[lang=en], script, style, [hidden]')) continue;
      let text = node.textContent ?? '';
      for (const pattern of allowed) text = text.replace(pattern, '');
      if (/[0-9]/.test(text)) found.push(`${parent.tagName.toLowerCase()}.${[...parent.classList].join('.')}: ${(node.textContent ?? '').trim().slice(0, 80)}`);
    }
    // the tab's title is read too
    if (/[0-9]/.test(document.title)) found.push(`title: ${document.title}`);
    return found;
  });
}

const SCREENS = [
  { name: 'overview', address: '/?exercise', token: () => analyst },
  { name: 'about', address: '/?exercise', token: () => analyst, about: true },
  { name: 'wall', address: '/wall?exercise&rotate=300', token: () => viewer },
  { name: 'drill-down', address: '/g/IQG09?exercise', token: () => analyst },
  { name: 'report', address: '/report', token: () => reporter },
] as const;

describe.each(['en', 'ar', 'ckb'] as const)('every screen in %s', (lang) => {
  it.each(SCREENS)('$name: no Latin digit in Arabic or Kurdish, no serious or critical axe-core violation', async (screen) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const address = `${screen.address}${screen.address.includes('?') ? '&' : '?'}lang=${lang}`;
    const watched = await openScreen(context, server, address, screen.token());
    const { page } = watched;
    if (screen.name === 'report') await page.getByTestId('site-ibrahim-khalil').waitFor({ timeout: 30_000 });
    else await wallReady(page);
    if (screen.name === 'drill-down') await page.waitForSelector('[data-testid=chart-occupancy] .recharts-area', { state: 'attached', timeout: 30_000 });
    if ('about' in screen) {
      await page.locator('[data-testid=about-open]').click();
      await page.waitForSelector('[data-testid=about]');
    }
    if (lang !== 'en') expect(await latinDigits(page)).toEqual([]);
    expect(await page.title()).not.toBe('Amina');

    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`).slice(0, 4).join(' | ')}`);
    expect(serious).toEqual([]);
    expectClean(watched);
    await context.close();
  }, SCREEN_TIMEOUT_MS);
});
