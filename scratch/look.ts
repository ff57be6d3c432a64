import fs from 'node:fs';
import { startServer } from '../server/testing/harness.ts';
import { launchBrowser } from '../e2e/support/browser.ts';
import { arrivals, HOUR, occupancy, post } from '../e2e/support/seed.ts';
const server = await startServer();
const viewer = await server.tokenFor('viewer');
const reports: object[] = [];
for (let minutes = 20; minutes < 8 * 24 * 60; minutes += 50) {
  reports.push({ ...arrivals('ibrahim-khalil', 60 + ((minutes * 7) % 90), minutes * 60_000), departures: 10 + (minutes % 13), periodMinutes: 50 });
  reports.push({ ...arrivals('peshkhabour', 20 + ((minutes * 3) % 40), minutes * 60_000 + 5 * 60_000), periodMinutes: 50 });
}
for (let h = 7 * 24; h > 0; h -= 12) reports.push(occupancy('domiz-1', 22_000 + (7 * 24 - h) * 20, h * HOUR));
await post(server, reports);
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
page.on('console', (m) => console.log('console', m.type(), m.text()));
for (const lang of (process.argv[2] ?? 'en').split(',')) {
  await page.goto(`${server.url}/g/IQG09?lang=${lang}&${process.argv[3] ?? ''}#token=${viewer}`);
  await page.waitForSelector("[data-testid=chart-arrivals] svg", { timeout: 30000 }); await page.waitForTimeout(1000);
  console.log(JSON.stringify(await page.$$eval('[data-testid=series-charts] figure', (figures) => figures.map((f) => [f.getAttribute('data-testid'), f.querySelectorAll('.recharts-xAxis').length, f.querySelectorAll('.recharts-cartesian-axis-tick-value').length, [...f.querySelectorAll('.recharts-xAxis .recharts-cartesian-axis-tick-value')].map((t) => t.textContent).join('|')]))));
  fs.writeFileSync(`/tmp/look-${lang}.html`, await page.$eval('[data-testid=chart-arrivals]', (e) => e.outerHTML).catch(() => 'none'));
  await page.screenshot({ path: `/tmp/look-${lang}.png`, fullPage: true });
}
await browser.close();
await server.stop();
