// Every CAP message the server publishes validates against the OASIS CAP 1.2 schema, and the feed
// against Atom's (RFC 4287), with a real validator: Debian's xmllint.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capProblems, child, children, parseXml, textOf, type XmlElement } from '../shared/testing/capCheck.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, type Running } from './testing/harness.ts';

const SCHEMAS = path.join(import.meta.dirname, 'testing', 'schemas');
const HOUR = 3_600_000;
const clock = manualClock('2026-11-28T12:00:00Z');
let server: Running;

beforeAll(async () => {
  server = await startServer({ clock, config: { publicUrl: 'https://amina.example.org', capContact: 'CCC duty officer, +964 750 000 0000' } });
});
afterAll(async () => {
  await server.stop();
});

const iso = () => new Date(clock.now()).toISOString();
const post = (report: Record<string, unknown>, token = ADMIN_TOKEN) =>
  server.request('POST', '/api/reports', token, { id: randomUUID(), observedAt: iso(), ...report });

/** Runs xmllint; returns its complaint, or '' when the document validates. */
function xmllint(args: string[], xml: string): string {
  const file = path.join(tempDataDir(), 'document.xml');
  fs.writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', ...args, file], { encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

async function feed(query = ''): Promise<{ xml: string; messages: XmlElement[] }> {
  const answer = await fetch(`${server.url}/api/export/alerts.cap${query}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(answer.status).toBe(200);
  const xml = await answer.text();
  const messages = children(parseXml(xml), 'entry').map((e) => child(child(e, 'content')!, 'alert')!);
  return { xml, messages };
}

/** One <alert> of the feed as a document of its own, the namespace declared on it. */
function standalone(xml: string, identifier: string): string {
  const start = xml.indexOf('<alert xmlns=', xml.indexOf(`<identifier>${identifier}</identifier>`) - 200);
  const end = xml.indexOf('</alert>', start) + '</alert>'.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml.slice(start, end)}\n`;
}

describe('the CAP feed against the standards’ own schemas', () => {
  beforeAll(async () => {
    const drill = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['peshkhabour'], label: 'drill', exercise: true });
    // surges at a located crossing and at one no source places, an influx, a full camp, a closed clinic
    await post({ siteId: 'ibrahim-khalil', kind: 'arrivals', arrivals: 26_000, periodMinutes: 60 });
    await post({ siteId: 'rabia', kind: 'arrivals', arrivals: 600, periodMinutes: 60 });
    await post({ siteId: 'domiz-1', kind: 'occupancy', occupancy: 28_000 });
    await post({ siteId: 'domiz-1-clinic', kind: 'health', status: 'closed', note: 'no staff & no insulin <today>' });
    await post({ siteId: 'peshkhabour', kind: 'arrivals', arrivals: 2_500, periodMinutes: 60 }, drill.body.token);
    // an acknowledgement, then new values: Updates, each referencing the one before
    const open = (await server.request('GET', '/api/alerts', ADMIN_TOKEN)).body as { id: string; siteId?: string }[];
    const camp = open.find((a) => a.siteId === 'domiz-1')!;
    clock.advance(10 * 60_000);
    await server.request('POST', `/api/alerts/${camp.id}/ack`, ADMIN_TOKEN, { note: 'tents sent' });
    clock.advance(10 * 60_000);
    await post({ siteId: 'domiz-1', kind: 'occupancy', occupancy: 28_500 });
    // the clinic reopens: a Cancel
    await post({ siteId: 'domiz-1-clinic', kind: 'health', status: 'operational' });
    // seven hours on, Rabia has said nothing: site_silent
    clock.advance(7 * HOUR);
    await server.app.live.tick();
  });

  it('validates every message against CAP-v1.2.xsd and the feed against RFC 4287', async () => {
    for (const query of ['', '?exercise=only']) {
      const { xml, messages } = await feed(query);
      expect(messages.length).toBeGreaterThan(query ? 0 : 5);
      expect(xmllint(['--relaxng', path.join(SCHEMAS, 'atom.rng')], xml)).toBe('');
      for (const message of messages) {
        const identifier = textOf(message, 'identifier')!;
        expect(xmllint(['--schema', path.join(SCHEMAS, 'cap-1.2.xsd')], standalone(xml, identifier)), identifier).toBe('');
        expect(capProblems(message), identifier).toEqual([]);
      }
    }
  });

  it('the validators refuse what breaks the standards, so a pass means something', async () => {
    const { xml, messages } = await feed();
    const one = standalone(xml, textOf(messages[0]!, 'identifier')!);
    expect(xmllint(['--schema', path.join(SCHEMAS, 'cap-1.2.xsd')], one.replace('<msgType>', '<msgType>X'))).toMatch(/fails to validate/);
    expect(xmllint(['--schema', path.join(SCHEMAS, 'cap-1.2.xsd')], one.replace(/<sent>[^<]+<\/sent>/, '<sent>2026-11-28T12:00:00Z</sent>'))).toMatch(/fails to validate/);
    expect(xmllint(['--relaxng', path.join(SCHEMAS, 'atom.rng')], xml.replace(/<updated>[^<]+<\/updated>/, ''))).toMatch(/fails to validate/);
  });

  it('publishes an acknowledgement with new values as an Update, and chains Updates and Cancels to the latest message', async () => {
    const { messages } = await feed();
    const bySite = new Map(messages.map((m) => [children(children(m, 'info')[0]!, 'parameter').find((p) => textOf(p, 'valueName') === 'siteId')?.children[1]?.text, m]));
    const camp = bySite.get('domiz-1')!;
    expect(textOf(camp, 'msgType')).toBe('Update');
    const references = textOf(camp, 'references')!.split(' ');
    // the first message of the chain, and the acknowledgement published before this version
    expect(references).toHaveLength(2);
    expect(references[1]).toMatch(/T121000Z-1,2026-11-28T12:10:00-00:00$/);
    const clinic = bySite.get('domiz-1-clinic')!;
    expect(textOf(clinic, 'msgType')).toBe('Cancel');
    expect(textOf(children(clinic, 'info')[0]!, 'responseType')).toBe('AllClear');
  });

  it('gives every message an expiry, a link to the dashboard, a contact, an instruction in three languages, and a drawn area', async () => {
    const { messages } = await feed();
    for (const message of messages) {
      const infos = children(message, 'info');
      expect(infos.map((i) => textOf(i, 'language'))).toEqual(['en', 'ar', 'ckb']);
      expect(new Set(infos.map((i) => textOf(i, 'instruction'))).size).toBe(3);
      for (const info of infos) {
        expect(textOf(info, 'web')).toMatch(/^https:\/\/amina\.example\.org\/g\/IQG\d\d/);
        expect(textOf(info, 'contact')).toBe('CCC duty officer, +964 750 000 0000');
        expect(Date.parse(textOf(info, 'expires')!)).toBeGreaterThan(Date.parse(textOf(info, 'effective')!));
        const area = child(info, 'area')!;
        expect(children(area, 'polygon').length + children(area, 'circle').length).toBeGreaterThan(0);
      }
    }
    // a governorate's alert is drawn with its outline, small enough for alerting hubs
    const influx = messages.find((m) => children(children(m, 'info')[0]!, 'parameter').some((p) => p.children[1]?.text === 'governorate_influx'))!;
    const polygon = textOf(child(children(influx, 'info')[0]!, 'area')!, 'polygon')!;
    const points = polygon.split(' ');
    expect(points.length).toBeGreaterThanOrEqual(4);
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points[0]).toBe(points.at(-1));
  });
});
