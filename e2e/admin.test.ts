// The admin area end to end, as a new admin who has only the first start's link: enrol a reporter for
// a checkpoint, open the link on a phone and report, revoke it and see the phone refused, add a
// shelter by clicking the map. In English, then in Arabic. The built client in Chromium, the real server.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Answer, type Running } from '../server/testing/harness.ts';
import { launchBrowser, watchedPage, type WatchedPage } from './support/browser.ts';

const SHOTS = process.env.AMINA_SHOTS ?? '/tmp/amina-shots';

let browser: Browser;
let server: Running;
let admin: string;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
  // No HBM_ADMIN_TOKEN: the first start on an empty store makes an admin token and prints its link.
  server = await startServer({ config: { adminToken: undefined } });
  admin = server.app.createdAdminToken!;
  expect(admin).toBeTruthy();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await browser?.close();
});

const WORDS = {
  en: { send: 'Send report', refused: /revoked/ },
  ar: { send: 'إرسال التقرير', refused: /revoked/ },
} as const;

async function adminPage(lang: 'en' | 'ar'): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const watched = await watchedPage(context, server.url);
  // The first start's link, as printed, then the admin area.
  await watched.page.goto(`${server.url}/?lang=${lang}#token=${encodeURIComponent(admin)}`);
  await watched.page.waitForFunction(() => localStorage.getItem('amina.token') !== null);
  await watched.page.goto(`${server.url}/admin?lang=${lang}&testhooks`);
  await watched.page.getByTestId('admin-nav-people').waitFor();
  return watched;
}

async function sendArrivals(phone: Page, lang: 'en' | 'ar', siteId: string, arrivals: number) {
  await phone.getByTestId(`site-${siteId}`).click();
  await phone.locator('input[name="arrivals"]').fill(String(arrivals));
  await phone.getByRole('button', { name: WORDS[lang].send }).click();
  // a second count of the same hour is meant here: the form's overlap question is answered yes
  const overlap = phone.getByTestId('warning-overlap');
  if (await overlap.waitFor({ timeout: 2_000 }).then(() => true, () => false)) {
    await phone.getByRole('button', { name: lang === 'ar' ? 'نعم، أرسل' : 'Yes, send' }).click();
  }
}

for (const lang of ['en', 'ar'] as const) {
  describe(`the admin area in ${lang}`, () => {
    it('enrols a reporter, whose phone reports until the link is revoked, and adds a shelter on the map', async () => {
      const { page, errors, outsideRequests } = await adminPage(lang);
      expect(await page.evaluate(() => document.documentElement.dir)).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      // The navigation comes from the page list: this admin sees people and sites
      await expect.poll(() => page.locator('.admin-nav a').count()).toBeGreaterThanOrEqual(2);
      await page.screenshot({ path: `${SHOTS}/admin-people-${lang}.png` });

      // A reporter for Kalak checkpoint; a bad expiry first, refused next to its field by the server
      const label = `Kalak lead ${lang}`;
      await page.getByTestId('issue-label').fill(label);
      await page.getByTestId('issue-site-filter').fill('kalak');
      await page.getByTestId('issue-site-kalak').check();
      await page.getByTestId('issue-expires').fill('2020-01-01T08:00');
      await page.getByTestId('issue-submit').click();
      await expect.poll(() => page.getByTestId('error-expiresAt').textContent()).toBe('must be in the future');
      await page.getByTestId('issue-expires').fill('');
      await page.getByTestId('issue-submit').click();
      const card = page.getByTestId('enrol-card');
      await card.waitFor();
      await expect.poll(() => card.locator('.qr svg').count()).toBe(1);
      const link = await page.getByTestId('enrol-link').inputValue();
      expect(link).toMatch(new RegExp(`^${server.url}/report#token=`));
      await page.screenshot({ path: `${SHOTS}/admin-issued-${lang}.png` });

      // The link on a phone: the field form for Kalak, and a report the server stores
      const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const phone = await watchedPage(phoneContext, server.url);
      await phone.page.goto(link.replace('/report#', `/report?lang=${lang}#`));
      await phone.page.getByTestId('site-kalak').waitFor({ timeout: 20_000 });
      await sendArrivals(phone.page, lang, 'kalak', 120);
      await phone.page.locator('.report-item[data-state="sent"]').waitFor({ timeout: 20_000 });
      const snapshot = (await server.request('GET', '/api/snapshot', admin)).body;
      expect(snapshot.sites.find((s: Answer) => s.id === 'kalak')?.arrivals1h).toBeGreaterThanOrEqual(120);

      // The list shows when it was last used; revoke it, and the phone is refused
      await page.getByTestId('token-search').fill(label);
      const row = page.locator('[data-testid="token-row"]', { hasText: label });
      await row.waitFor();
      await row.getByTestId('revoke-one').click();
      await page.getByTestId('revoke-yes').click();
      await row.waitFor({ state: 'detached' });
      const tokens = (await server.request('GET', `/api/tokens?state=revoked&q=${encodeURIComponent(label)}`, admin)).body;
      expect(tokens).toHaveLength(1);
      expect(tokens[0].lastUsedAt).toBeDefined();
      await sendArrivals(phone.page, lang, 'kalak', 80);
      await phone.page.locator('[role="alert"]', { hasText: WORDS[lang].refused }).waitFor({ timeout: 20_000 });
      await phoneContext.close();

      // A shelter that opened this morning, placed by clicking the map
      await page.getByTestId('admin-nav-sites').click();
      await page.getByTestId('site-new').click();
      const id = `erbil-new-shelter-${lang}`;
      await page.getByTestId('site-id').fill(id);
      await page.getByTestId('site-kind').selectOption('shelter');
      await page.getByTestId('site-name-en').fill(`New shelter ${lang}`);
      await page.getByTestId('site-name-ar').fill('مخيم جديد');
      await page.getByTestId('site-governorate').selectOption('IQG11');
      await page.getByTestId('site-capacity').fill('not a number');
      await page.locator('[data-testid="site-picker"][data-ready="true"]').waitFor({ timeout: 20_000 });
      const target = await page.evaluate(() => {
        const map = window.aminaPicker!;
        map.jumpTo({ center: [44.05, 36.2], zoom: 8 });
        const p = map.project([44.05, 36.2]);
        const box = map.getContainer().getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      });
      await page.mouse.click(target.x, target.y);
      await expect.poll(async () => Number(await page.getByTestId('site-lon').inputValue())).toBeCloseTo(44.05, 1);
      await expect.poll(() => page.getByTestId('placement').getAttribute('class')).toBe('placement ok');
      // The server's word on a bad capacity, next to the field; nothing saved
      await page.getByTestId('site-save').click();
      await expect.poll(() => page.getByTestId('error-capacity').count()).toBe(1);
      expect((await server.request('GET', '/api/sites', admin)).body.some((s: Answer) => s.id === id)).toBe(false);
      await page.getByTestId('site-capacity').fill('1500');
      await page.getByTestId('site-form').evaluate((form) => form.scrollIntoView());
      await page.screenshot({ path: `${SHOTS}/admin-sites-${lang}.png` });
      await page.getByTestId('site-save').click();
      await page.getByTestId('site-saved').waitFor();
      const saved = (await server.request('GET', '/api/sites', admin)).body.find((s: Answer) => s.id === id);
      expect(saved).toMatchObject({ kind: 'shelter', governorate: 'IQG11', capacity: 1500, coordinateQuality: 'secondary_unverified' });
      expect(saved.lon).toBeCloseTo(44.05, 1);
      expect(saved.lat).toBeCloseTo(36.2, 1);
      // A CSV that changes the new shelter and has one refused row: previewed, nothing applies; fixed, it applies
      await page.getByTestId('csv-import').locator('summary').click();
      const header = 'id,kind,nameEn,nameAr,governorate,lon,lat,capacity';
      const changed = `${id},shelter,New shelter ${lang},مخيم جديد,IQG11,44.05,36.2,2000`;
      await page.getByTestId('csv-text').fill(`${header}\n${changed}\nbad row,shelter,,,IQG99,,,`);
      await page.getByTestId('csv-preview').click();
      await page.locator('[data-testid="csv-changes"] tr[data-change="changed"]').waitFor();
      expect(await page.locator('[data-testid="csv-changes"] tr[data-change="refused"]').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('csv-apply').isDisabled()).toBe(true);
      await page.getByTestId('csv-text').fill(`${header}\n${changed}`);
      await page.getByTestId('csv-preview').click();
      await page.locator('[data-testid="csv-changes"] tr[data-change="changed"]').waitFor();
      await page.getByTestId('csv-apply').click();
      await page.getByTestId('site-saved').waitFor();
      await expect
        .poll(async () => (await server.request('GET', '/api/sites', admin)).body.find((s: Answer) => s.id === id)?.capacity)
        .toBe(2000);

      const audit = (await server.request('GET', '/api/audit?limit=20', admin)).body.map((e: Answer) => `${e.action} ${e.subject ?? ''}`);
      expect(audit).toContain(`site.put ${id}`);
      expect(audit.some((a: string) => a.startsWith('token.revoke'))).toBe(true);

      // the refusals this test provokes on purpose (a past expiry, a bad capacity) log as failed loads
      expect(errors.filter((e) => !/status of (400|422)/.test(e))).toEqual([]);
      expect(outsideRequests).toEqual([]);
      await page.context().close();
    }, 120_000);
  });
}

/** The site ids the overview's map draws, read from its source (the markers' data, not what is on screen). */
async function drawnSites(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const source = window.aminaMap!.getSource('sites') as unknown as { getData(): Promise<{ features: { properties: { siteId: string } }[] }> };
    return (await source.getData()).features.map((f) => f.properties.siteId);
  });
}

const CLOSING = {
  en: { closed: 'khanke', open: 'sharya', saysKept: /history is kept/, mark: /closed since/ },
  ar: { closed: 'kabarto-1', open: 'bajet-kandala', saysKept: /يُحفظ تاريخه/, mark: /مغلق منذ/ },
} as const;

for (const lang of ['en', 'ar'] as const) {
  describe(`closing a site in ${lang}`, () => {
    it('closes a shelter after a confirmation that its history is kept: it leaves the map, the lists and the form, and reopens', async () => {
      const { closed, open, saysKept, mark } = CLOSING[lang];
      // A phone with the form for two shelters, loaded before the closing
      const issued = (await server.request('POST', '/api/tokens', admin, { role: 'reporter', sites: [closed, open], label: `Duhok camps ${lang}` })).body;
      const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const phone = await watchedPage(phoneContext, server.url);
      await phone.page.goto(`${server.url}/report?lang=${lang}#token=${encodeURIComponent(issued.token)}`);
      await phone.page.getByTestId(`site-${closed}`).waitFor({ timeout: 20_000 });
      // The overview draws it, and the governorate's list has it
      const { page, errors, outsideRequests } = await adminPage(lang);
      const overview = await page.context().newPage();
      await overview.goto(`${server.url}/?lang=${lang}&testhooks`);
      await overview.locator('[data-ready="true"]').first().waitFor({ timeout: 20_000 });
      await expect.poll(() => drawnSites(overview)).toContain(closed);
      await overview.close();

      // Close it from the Sites page: the confirmation says the history is kept; kept open first
      await page.getByTestId('admin-nav-sites').click();
      await page.getByTestId('site-search').fill(closed);
      const row = page.locator(`[data-testid="site-row"][data-site-id="${closed}"]`);
      await row.getByTestId('site-close').click();
      const confirm = row.getByTestId('site-close-confirm');
      await expect.poll(() => confirm.textContent()).toMatch(saysKept);
      await confirm.getByRole('button', { name: lang === 'ar' ? 'أبقه مفتوحاً' : 'Keep it open' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect((await server.request('GET', '/api/sites', admin)).body.find((s: Answer) => s.id === closed).closedAt).toBeUndefined();
      await row.getByTestId('site-close').click();
      await row.getByTestId('site-close-yes').waitFor();
      await page.screenshot({ path: `${SHOTS}/admin-sites-close-confirm-${lang}.png` });
      await row.getByTestId('site-close-yes').click();
      await row.getByTestId('site-closed-mark').waitFor();
      expect(await row.getByTestId('site-closed-mark').textContent()).toMatch(mark);
      await row.getByTestId('site-reopen').waitFor();
      expect((await server.request('GET', '/api/sites', admin)).body.find((s: Answer) => s.id === closed).closedAt).toMatch(/Z$/);
      await page.getByTestId('site-search').fill('');
      await row.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/admin-sites-closed-${lang}.png` });

      // The phone that still offers it is refused, naming the closing; a reload no longer offers it
      await sendOccupancy(phone.page, lang, closed, 900);
      await phone.page.locator('.report-item[data-state="needs_attention"]', { hasText: /was closed at/ }).waitFor({ timeout: 20_000 });
      await phone.page.reload();
      await phone.page.getByTestId(`site-${open}`).waitFor({ timeout: 20_000 });
      // the device's copy of its sites may show first; the server's list, read next, has it closed
      await expect.poll(() => phone.page.getByTestId(`site-${closed}`).count(), { timeout: 10_000 }).toBe(0);
      await phoneContext.close();

      // Off the live map and the governorate's list; the admin list keeps it, marked
      const again = await page.context().newPage();
      await again.goto(`${server.url}/?lang=${lang}&testhooks`);
      await again.locator('[data-ready="true"]').first().waitFor({ timeout: 20_000 });
      await expect.poll(() => drawnSites(again)).not.toContain(closed);
      expect(await drawnSites(again)).toContain(open);
      await again.goto(`${server.url}/g/IQG09?lang=${lang}`);
      await again.locator(`[data-testid="site-table"] tr[data-site-id="${open}"]`).waitFor({ timeout: 20_000 });
      expect(await again.locator(`[data-testid="site-table"] tr[data-site-id="${closed}"]`).count()).toBe(0);
      await again.close();

      // Reopened: it takes reports again
      await row.getByTestId('site-reopen').click();
      await row.getByTestId('site-close').waitFor();
      expect((await server.request('GET', '/api/sites', admin)).body.find((s: Answer) => s.id === closed).closedAt).toBeUndefined();
      const audit = (await server.request('GET', '/api/audit?limit=10', admin)).body.map((e: Answer) => `${e.action} ${e.subject ?? ''}`);
      expect(audit).toEqual(expect.arrayContaining([`site.close ${closed}`, `site.reopen ${closed}`]));

      // the refused report logs as a failed load (422)
      expect(errors.filter((e) => !/status of (400|422)/.test(e))).toEqual([]);
      expect(outsideRequests).toEqual([]);
      await page.context().close();
    }, 120_000);
  });
}

/** A shelter's count on the form: the occupancy field. */
async function sendOccupancy(phone: Page, lang: 'en' | 'ar', siteId: string, count: number) {
  await phone.getByTestId(`site-${siteId}`).click();
  await phone.locator('input[name="occupancy"]').fill(String(count));
  await phone.getByRole('button', { name: WORDS[lang].send }).click();
}

describe('the registry on the map', () => {
  it('rings a site with an approximate point and says so in its popup', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const { page } = await watchedPage(context, server.url);
    await page.goto(`${server.url}/?lang=en&testhooks#token=${encodeURIComponent(admin)}`);
    await page.locator('[data-ready="true"]').first().waitFor({ timeout: 20_000 });
    const sites = (await server.request('GET', '/api/sites', admin)).body as { id: string; lon: number | null; coordinateQuality?: string }[];
    // every site says how good its point is, and at least 60 are drawn
    expect(sites.every((s) => s.coordinateQuality !== undefined)).toBe(true);
    expect(sites.filter((s) => s.lon !== null).length).toBeGreaterThanOrEqual(60);
    // Kalak's point is its town's: the map rings it
    const target = await page.waitForFunction(() => {
      const map = window.aminaMap!;
      const ringed = map.queryRenderedFeatures({ layers: ['sites-approximate'] }).map((f) => String(f.properties.siteId));
      if (!ringed.includes('kalak')) return false;
      map.jumpTo({ center: [43.671, 36.27], zoom: 9 });
      const p = map.project([43.671, 36.27]);
      const box = map.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    });
    const { x, y } = (await target.jsonValue()) as { x: number; y: number };
    // Clicked once the new view is drawn (a click finds what is drawn under it): a fixed 300 ms was
    // too short for software WebGL with the whole suite running beside it.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const map = window.aminaMap!;
          map.once('idle', () => resolve());
          map.triggerRepaint();
        }),
    );
    await page.mouse.click(x, y);
    await page.locator('.site-popup .approximate', { hasText: 'Approximate location: the nearest town' }).waitFor();
    await context.close();
  }, 60_000);
});

describe('the admin area for other roles', () => {
  it('shows a coordinator no page of this half, and the server refuses the token routes', async () => {
    const coordinator = (await server.request('POST', '/api/tokens', admin, { role: 'coordinator', label: 'Erbil desk' })).body.token;
    expect((await server.request('GET', '/api/tokens', coordinator)).status).toBe(403);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page } = await watchedPage(context, server.url);
    await page.goto(`${server.url}/admin/people?lang=en#token=${encodeURIComponent(coordinator)}`);
    await page.locator('.admin-nav, [data-testid="admin-refused"]').first().waitFor();
    expect(await page.getByTestId('admin-nav-people').count()).toBe(0);
    expect(await page.getByTestId('admin-nav-sites').count()).toBe(0);
    await context.close();
  }, 60_000);
});
