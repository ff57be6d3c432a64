// `npm run sitrep -- --at 2026-11-28T06:00:00Z --lang ar --out sitrep.pdf`: the situation report
// (/sitrep) printed to an A4 PDF by the system's Chromium, the same page a person prints from the
// browser. It uses the server at --url (or the local one on PORT, if it answers), and otherwise starts
// one of its own on the configured store for as long as it prints. Without Chromium it says so.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { isLanguage, type Language } from '../shared/language.ts';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { UsageError } from './cli.ts';

const USAGE = `Usage: npm run sitrep -- [--at <ISO instant, default now>] [--lang en|ar|ckb] [--out sitrep.pdf]
                       [--url http://127.0.0.1:8080 --admin-token <token>]
Without --url it uses the local server on PORT if one answers (with HBM_ADMIN_TOKEN), else starts its own
on DATA_DIR (or DATABASE_URL) while it prints. Needs Chromium at /usr/bin/chromium (or --chromium <path>).`;

/** Debian's Chromium; `--chromium` names another. Never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

export interface SitrepArgs {
  atIso: string | null;
  lang: Language;
  out: string;
  url?: string;
  adminToken?: string;
  chromium: string;
}

export function readSitrepArgs(argv: string[]): SitrepArgs {
  const { values } = parseArgs({
    args: argv,
    options: { at: { type: 'string' }, lang: { type: 'string', default: 'en' }, out: { type: 'string', default: 'sitrep.pdf' }, url: { type: 'string' }, 'admin-token': { type: 'string' }, chromium: { type: 'string', default: CHROMIUM } },
    strict: true,
  });
  if (!isLanguage(values.lang)) throw new UsageError(`--lang must be en, ar or ckb, not "${values.lang}".`);
  let atIso: string | null = null;
  if (values.at !== undefined) {
    const ms = Date.parse(values.at);
    if (!/[zZ]|[+-]\d\d:?\d\d$/.test(values.at) || !Number.isFinite(ms)) throw new UsageError(`--at must be an ISO 8601 instant with an offset, e.g. 2026-11-28T06:00:00Z, not "${values.at}".`);
    atIso = new Date(ms).toISOString();
  }
  return { atIso, lang: values.lang, out: values.out, url: values.url?.replace(/\/+$/, ''), adminToken: values['admin-token'], chromium: values.chromium };
}

/** The report's address on a server, with the token in the fragment as a handed-out link carries it. */
export function sitrepAddress(url: string, token: string, lang: Language, atIso: string | null): string {
  const query = new URLSearchParams({ lang, ...(atIso ? { at: atIso } : {}) });
  return `${url}/sitrep?${query.toString()}#token=${encodeURIComponent(token)}`;
}

/**
 * Opens the report in `browser`, waits until its data and fonts are in, and prints it to `out` as A4
 * (the page's own @page rule). Returns the number of bytes written. Throws with the page's own words
 * when the report could not be prepared (a moment in the future, a refused token).
 */
export async function printSitrep(browser: Browser, address: string, out: string): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(address);
    const outcome = await Promise.race([
      page.waitForSelector('[data-testid=sitrep][data-ready=true]', { timeout: 60_000 }).then(() => 'ready' as const),
      page.waitForSelector('[data-testid=sitrep-error]', { timeout: 60_000 }).then(() => 'error' as const),
    ]);
    if (outcome === 'error') throw new Error((await page.textContent('[data-testid=sitrep-error]')) ?? 'the report could not be prepared');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ path: out, preferCSSPageSize: true, printBackground: true });
    return pdf.length;
  } finally {
    await context.close();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health/live`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  let args: SitrepArgs;
  try {
    args = readSitrepArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (!fs.existsSync(args.chromium)) {
    console.error(
      `No Chromium at ${args.chromium}, so no PDF was made. Install Debian's chromium package (apt-get install chromium) or give --chromium <path>; ` +
        `meanwhile open /sitrep?lang=${args.lang}${args.atIso ? `&at=${args.atIso}` : ''} on the dashboard and print it from the browser (A4).`,
    );
    process.exitCode = 3;
    return;
  }
  const config = loadConfig();
  let url = args.url ?? `http://127.0.0.1:${config.port}`;
  let token = args.adminToken ?? config.adminToken;
  let stop = async () => {};
  if (!(await answers(url))) {
    if (args.url) {
      console.error(`Cannot reach ${args.url}.`);
      process.exitCode = 1;
      return;
    }
    // no server: start one on the configured store, with a token that lives as long as this process
    const clientDir = path.resolve(config.clientDir);
    if (!fs.existsSync(path.join(clientDir, 'index.html'))) {
      console.error(`No built dashboard in ${clientDir}: run \`npm run build\` first (npm start does).`);
      process.exitCode = 1;
      return;
    }
    token = randomBytes(24).toString('base64url');
    const store = config.databaseUrl
      ? (await import('../server/storage/postgres/postgresStore.ts')).openPostgresStore(config.databaseUrl, { poolSize: 2 })
      : (await import('../server/storage/sqlite/sqliteStore.ts')).openSqliteStore(config.dataDir);
    const app = await createApp({ config: { ...config, adminToken: token, logLevel: 'warn' }, store });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
    console.log(`No server answered on port ${config.port}: started one on the configured store at ${url} for this report.`);
    stop = () => app.close();
  } else if (!token) {
    console.error(`A server answers at ${url}, but no token to read it with: give --admin-token or set HBM_ADMIN_TOKEN.`);
    process.exitCode = 2;
    return;
  }
  const browser = await chromium.launch({ executablePath: args.chromium, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const bytes = await printSitrep(browser, sitrepAddress(url, token!, args.lang, args.atIso), args.out);
    console.log(`Wrote ${args.out} (${Math.round(bytes / 1024)} KiB, A4, ${args.lang}${args.atIso ? `, as known at ${args.atIso}` : ''}).`);
  } catch (err) {
    console.error(`No PDF: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
    await stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
