// The CSV export cannot be abused: a note or a name can never start a row or a formula, checked by
// strict CSV readers (csv-parse, and Python's csv module as spreadsheets' importers behave).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HXL_HEADER_ROW } from '../shared/hxl.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
let server: Running;
beforeAll(async () => {
  server = await startServer({ clock: manualClock(NOW) });
});
afterAll(async () => {
  await server.stop();
});

const health = (note: string) => ({ id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: '2026-11-28T11:00:00Z', kind: 'health', status: 'operational', note });

/** Notes that broke the export, or would start a formula, and are still valid reports. */
const HOSTILE_NOTES = ['x\n=1+1', 'first line\nsecond line', ' =1+1', '\n=1+1', '＝1+1', '＋SUM(A1)', '－2', '＠cmd', '  @SUM(1)', 'a, "b", c', '"', ' leading space', '-lead'];

async function exportText(): Promise<string> {
  const response = await fetch(`${server.url}/api/export/reports.csv`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
}

describe('the CSV export under hostile notes', () => {
  let text: string;
  beforeAll(async () => {
    const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports: HOSTILE_NOTES.map(health) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    text = await exportText();
  });

  it('reads back as one row per report with a strict parser, every note intact', () => {
    const rows = parse(text, { relax_column_count: false, relax_quotes: false, skip_empty_lines: false }) as string[][];
    // header, HXL hashtags, one row per report
    expect(rows).toHaveLength(2 + HOSTILE_NOTES.length);
    for (const row of rows) expect(row).toHaveLength(HXL_HEADER_ROW.length);
    const notes = rows.slice(2).map((r) => r[HXL_HEADER_ROW.indexOf('Note')]);
    // a formula start gets an apostrophe; nothing else changes
    const expected = HOSTILE_NOTES.map((n) => (/^[\s\u3000]*[=+\-@＝＋－＠]/.test(n) ? `'${n}` : n));
    expect([...notes].sort()).toEqual([...expected].sort());
  });

  it('quotes every field that holds a line break, a comma, a quote or leading white space', () => {
    const cells = HOSTILE_NOTES.map((n) => (/^[\s\u3000]*[=+\-@＝＋－＠]/.test(n) ? `'${n}` : n)).filter((n) => /[\r\n,"]|^\s/.test(n));
    expect(cells.length).toBeGreaterThan(5);
    for (const cell of cells) expect(text).toContain(`"${cell.replaceAll('"', '""')}"`);
  });

  it('reads back the same with Python’s csv module, as spreadsheet importers do', () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'export.csv');
    fs.writeFileSync(file, text);
    const script = 'import csv,json,sys\nwith open(sys.argv[1], newline="", encoding="utf-8") as f:\n  rows = list(csv.reader(f, strict=True))\nprint(json.dumps([len(rows), sorted(set(len(r) for r in rows)), [r[-2] for r in rows[2:]]]))';
    const [count, widths, notes] = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as [number, number[], string[]];
    expect(count).toBe(2 + HOSTILE_NOTES.length);
    expect(widths).toEqual([HXL_HEADER_ROW.length]);
    // no cell of ours that a spreadsheet would run
    for (const note of notes) expect(note).not.toMatch(/^[\s\u3000]*[=+\-@＝＋－＠]/);
  });
});

describe('names and notes refuse control characters', () => {
  it.each([
    ['a lone carriage return in a note', { reports: [health('line one\rline two')] }, 'reports[0].note'],
    ['a tab in a note', health('a\tb'), 'note'],
    ['a bell in a note', health('a\u0007'), 'note'],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_name, body, field) => {
    const before = await exportText();
    const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await exportText()).toBe(before);
  });

  it('refuses a site name with a line break, naming the field', async () => {
    const site = { id: 'injected', kind: 'checkpoint', nameEn: 'Safe\n=1+1', nameAr: 'منفذ', governorate: 'IQG09', lon: null, lat: null };
    const answer = await server.request('PUT', '/api/sites/injected', ADMIN_TOKEN, site);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((d: { field: string }) => d.field)).toEqual(['nameEn']);
    expect((await server.request('GET', '/api/sites', ADMIN_TOKEN)).body.some((s: { id: string }) => s.id === 'injected')).toBe(false);
  });
});
