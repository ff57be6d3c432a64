// One Chromium per test file and clean-ups after each test: the lifecycle the form's test files share.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser } from './browser.ts';

export interface FileBrowser {
  /** the file's Chromium, started before its first test */
  readonly browser: Browser;
  /** run after each test, newest first: servers stopped, contexts closed */
  readonly cleanups: (() => Promise<unknown> | unknown)[];
}

/**
 * One Chromium for a test file, and clean-ups after each test: call it at the top of the file.
 * `shots` is made first, for the screenshots the file saves.
 */
export function browserPerFile(shots?: string): FileBrowser {
  let browser: Browser | undefined;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  beforeAll(async () => {
    if (shots) fs.mkdirSync(shots, { recursive: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll: use it inside a test');
      return browser;
    },
    cleanups,
  };
}

