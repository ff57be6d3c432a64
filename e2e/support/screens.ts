// Opening a dashboard screen in Chromium and waiting for what it draws, for the browser tests.
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Running } from '../../server/testing/harness.ts';
import { watchedPage, type WatchedPage } from './browser.ts';

/** A screen in Chromium with software WebGL on two shared cores: generous, since nothing here is timed. */
export const SCREEN_TIMEOUT_MS = 120_000;

/** Opens `address` on the server with `token` in the fragment, as a link handed out would. */
export async function openScreen(context: BrowserContext, server: Running, address: string, token: string): Promise<WatchedPage> {
  const watched = await watchedPage(context, server.url);
  await watched.page.goto(`${server.url}${address}#token=${encodeURIComponent(token)}`);
  return watched;
}

/** The map has its shapes, and a few frames have drawn them. */
export async function mapReady(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=map][data-ready=true]', { state: 'attached', timeout: 30_000 });
  await page.waitForTimeout(800);
}

/** The store (a page opened with ?testhooks) holds its first snapshot. */
export async function pictureLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => window.aminaStore?.getState().seq != null, undefined, { timeout: 30_000 });
}

export function expectClean(watched: WatchedPage): void {
  expect(watched.outsideRequests).toEqual([]);
  expect(watched.errors).toEqual([]);
}
