// The two figures a browser measures: the field form's first load over emulated slow 3G, and the wall
// at 3840×2160 drawing 2,000 sites that change every second. Debian's Chromium through playwright-core
// (never a downloaded browser), against Amina's server in its own process serving the built client.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { measureFrames, type FrameStats } from '../e2e/support/frames.ts';
import type { RunningSystem } from './system.ts';
import { issueToken } from './workload.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLIENT_DIR = path.join(ROOT, 'dist', 'client');

/** Slow 3G as the issue states it: 400 kbit/s each way, 400 ms round trip (CDP takes bytes per second). */
export const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 } as const;

/** Builds the client as `npm start` does, so that the figures are the current code's. */
export function buildClient(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    // a test runner's NODE_ENV=test would make Vite bundle React's development build
    env: { ...process.env, NODE_ENV: 'production' },
  });
}


/** A built file's gzipped size in kB (level 9, as the build's budget weighs it). */
function gzippedKb(urlPath: string): number {
  const local = path.join(CLIENT_DIR, urlPath);
  if (!fs.existsSync(local)) throw new Error(`the page asked for ${urlPath}, which the build did not make`);
  return gzipSync(fs.readFileSync(local), { level: 9 }).length / 1024;
}

export interface Form3gResult {
  /** from the navigation's start until a number typed into the count field reads back */
  usableMs: number;
  /** the scripts asked for by then, gzipped */
  scriptsKb: number;
  /** every script the first load asked for, the lazy ones after `usable` included */
  allScriptsKb: number;
  scripts: string[];
}

/**
 * A phone that never opened Amina (a fresh profile: no cache, no service worker) opens /report over
 * slow 3G with a reporter token for one checkpoint, chooses it and types a count.
 */
export async function measureForm3g(system: RunningSystem, browser: Browser): Promise<Form3gResult> {
  const siteId = 'ibrahim-khalil';
  const token = await issueToken(system, { role: 'reporter', sites: [siteId], label: 'bench phone' });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    const scripts: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.origin === system.url && /\.m?js$/.test(url.pathname)) scripts.push(url.pathname);
    });
    const started = performance.now();
    await page.goto(`${system.url}/report?lang=en#token=${encodeURIComponent(token)}`, { waitUntil: 'commit' });
    const count = page.locator('input[name="arrivals"]');
    // with one site the form may open on it; otherwise the site is chosen first, as a person does
    const site = page.getByTestId(`site-${siteId}`);
    await count.or(site).first().waitFor({ timeout: 60_000 });
    if (!(await count.isVisible())) await site.click();
    await count.fill('37', { timeout: 60_000 });
    if ((await count.inputValue()) !== '37') throw new Error('the count field did not keep what was typed');
    const usableMs = performance.now() - started;
    const firstScripts = [...new Set(scripts)];
    await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined);
    const all = [...new Set(scripts)];
    const sum = (files: string[]) => files.reduce((kB, file) => kB + gzippedKb(file), 0);
    return { usableMs, scriptsKb: sum(firstScripts), allScriptsKb: sum(all), scripts: all };
  } finally {
    await context.close();
  }
}

export interface Wall4kResult {
  /** the wall with its 2,000 sites and nothing changing */
  still: FrameStats;
  /** the same page, every site given new figures each second */
  updating: FrameStats;
}

/**
 * The wall at 3840×2160 with 2,000 sites: frame intervals (requestAnimationFrame) over `seconds`
 * with no update, then over `seconds` with every site's figures changing once a second, one site in
 * twenty also changing colour (band or status). The updates go into the page's store as the socket's
 * `update` would bring them (`applyUpdate`, via ?testhooks): what is measured is the drawing, not the
 * server, which would otherwise share the two cores with the browser.
 */
export async function measureWall4k(system: RunningSystem, browser: Browser, seconds: number): Promise<Wall4kResult> {
  // (each phase also runs to at least 6 frames per second asked for, however long that takes)
  const token = await issueToken(system, { role: 'viewer', label: 'bench wall' });
  const context = await browser.newContext({ viewport: { width: 3840, height: 2160 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    await page.goto(`${system.url}/wall?lang=en&testhooks#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('[data-testid=map][data-ready=true]', { state: 'attached', timeout: 120_000 });
    // each phase also runs to at least 6 frames per second asked for, however long that takes
    const { still, typical } = await measureFrames(page, { sites: 2000, phases: ['still', 'typical'], durationMs: seconds * 1000, minFrames: seconds * 6 });
    const result = { still: still!, updating: typical! };
    // to be looked at: the wall as it stood after the updates
    await page.screenshot({ path: path.join(os.tmpdir(), 'amina-bench-wall4k.png') });
    return result;
  } finally {
    await context.close();
  }
}
