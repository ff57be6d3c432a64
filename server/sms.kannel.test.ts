// SMS end to end through a real Kannel: fakesmsc (kannel-extras) plays the mobile network, bearerbox
// and smsbox are the gateway, configured as docs/sms.md says, and Amina answers. Messages in English,
// Arabic and Kurdish go in; the live picture, the stored reports (once each, a gateway retry
// included) and the replies that come back through fakesmsc are checked.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, manualClock, startServer, waitFor, type Answer, type Running } from './testing/harness.ts';

const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';
const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';
const missing = [BEARERBOX, SMSBOX, FAKESMSC].filter((file) => !fs.existsSync(file));
if (missing.length) {
  console.warn(`Skipping the Kannel SMS test: ${missing.join(', ')} not found. Install Debian's kannel and kannel-extras (.ci/run does).`);
}

const NOW = '2026-11-28T12:00:00Z'; // 15:00 in Baghdad
const GATEWAY_SECRET = 'kannel-test-secret-0123456789abcdef';
const PHONE_SECRET = 'kannel-test-phone-hash-secret-0123456789abcdef';
const SHORT_CODE = '4455';
const EN = '+9647501234512';
const AR = '+9647702223344';
const CKB = '+9647503334455';
const STRANGER = '+9647809990000';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** kannel.conf as docs/sms.md gives it, with this run's ports and folder. */
function kannelConf(dir: string, ports: { admin: number; smsbox: number; smsc: number; sendsms: number }, serviceUrl: string): string {
  return `group = core
admin-port = ${ports.admin}
admin-password = test
admin-allow-ip = "127.0.0.1"
smsbox-port = ${ports.smsbox}
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 1
store-type = file
store-location = "${dir}/store"

group = smsc
smsc = fake
smsc-id = fake
port = ${ports.smsc}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${ports.smsbox}
sendsms-port = ${ports.sendsms}
mo-recode = true
http-request-retry = 3
http-queue-delay = 1
log-file = "${dir}/smsbox.log"
log-level = 1

group = sms-service
keyword = default
catch-all = true
max-messages = 1
accept-x-kannel-headers = true
omit-empty = true
get-url = "${serviceUrl}/api/sms/kannel?secret=${GATEWAY_SECRET}&from=%p&text=%a&id=%I"
`;
}

/** UTF-16BE, every byte %-escaped: how fakesmsc takes a `ucs2` message. */
function ucs2(text: string): string {
  const bytes = Buffer.from(text, 'utf16le').swap16();
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** A reply as fakesmsc prints it: `<to from type data>`, the data %-escaped UTF-16BE for ucs-2. */
function replyText(type: string, data: string): string {
  if (!/ucs-?2/.test(type)) return data;
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === '%') {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(data[i] === '+' ? 0x20 : data.charCodeAt(i));
  }
  return Buffer.from(bytes).swap16().toString('utf16le');
}

describe.skipIf(missing.length > 0)('SMS through a real Kannel', () => {
  let server: Running;
  let dir: string;
  let smscPort: number;
  let adminPort: number;
  const processes: ChildProcess[] = [];
  /** what the proxy between smsbox and Amina saw: every call, by Kannel's message id */
  const calls: string[] = [];
  /** texts whose first call Amina answers but the proxy then drops: smsbox must retry */
  const dropFirst = new Set<string>();
  let proxy: http.Server;

  function start(command: string, args: string[]): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.resume();
    child.stderr?.resume();
    processes.push(child);
    return child;
  }

  async function status(): Promise<string> {
    try {
      const response = await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=test`);
      return await response.text();
    } catch {
      return '';
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amina-kannel-'));
    server = await startServer({
      clock: manualClock(NOW),
      config: { phoneHashSecret: PHONE_SECRET, smsGatewaySecret: GATEWAY_SECRET },
    });
    // A proxy in front of Amina that can lose an answer after Amina has stored the report: the
    // gateway's retry of a message that did arrive, the case a name-based id exists for.
    proxy = http.createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', server.url);
      calls.push(url.searchParams.get('id') ?? '');
      const answer = await fetch(new URL(url.pathname + url.search, server.url));
      const body = await answer.text();
      const text = url.searchParams.get('text') ?? '';
      if (dropFirst.delete(text)) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, {
        'Content-Type': answer.headers.get('content-type') ?? 'text/plain',
        'X-Kannel-Coding': answer.headers.get('x-kannel-coding') ?? '0',
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const ports = { admin: await freePort(), smsbox: await freePort(), smsc: await freePort(), sendsms: await freePort() };
    smscPort = ports.smsc;
    adminPort = ports.admin;
    const conf = path.join(dir, 'kannel.conf');
    fs.writeFileSync(conf, kannelConf(dir, ports, proxyUrl));
    start(BEARERBOX, [conf]);
    for (let i = 0; i < 100 && !(await status()); i++) await new Promise((r) => setTimeout(r, 100));
    start(SMSBOX, [conf]);
    for (let i = 0; i < 100 && !/smsbox:/i.test(await status()); i++) await new Promise((r) => setTimeout(r, 100));

    // Three leads, one phone each, on reporter tokens for their sites.
    for (const [number, sites, label] of [
      [EN, ['ibrahim-khalil'], 'IK lead'],
      [AR, ['domiz-1'], 'Domiz manager'],
      [CKB, ['peshkhabour', 'ibrahim-khalil-health'], 'PK lead'],
    ] as const) {
      const token = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites, label });
      expect((await server.request('POST', '/api/phones', ADMIN_TOKEN, { number, tokenId: token.body.id, label })).status).toBe(201);
    }
  }, 60_000);

  /** Stops a process we started, by its handle: SIGTERM, then SIGKILL after 5 s. */
  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  afterAll(async () => {
    // smsbox before bearerbox, as Kannel shuts down.
    for (const child of processes.reverse()) await stop(child);
    await new Promise((resolve) => proxy?.close(resolve));
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** Sends one SMS through fakesmsc and gives the reply it receives. */
  async function send(sender: string, text: string): Promise<string> {
    const message = /^[\x20-\x7e]*$/.test(text) ? `${sender} ${SHORT_CODE} text ${text}` : `${sender} ${SHORT_CODE} ucs2 ${ucs2(text)}`;
    const child = start(FAKESMSC, ['-H', '127.0.0.1', '-r', String(smscPort), '-i', '0.1', '-m', '1', message]);
    let output = '';
    const onData = (chunk: Buffer) => (output += chunk.toString('utf8'));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    try {
      const line = await waitFor(`a reply to "${text}"`, () => /Got message \d+: <(\S+) (\S+) (\S+) (.*)>/.exec(output) ?? undefined, 20_000);
      expect(line[1]).toBe(SHORT_CODE);
      expect(line[2]).toBe(sender);
      return replyText(line[3]!, line[4]!);
    } finally {
      await stop(child);
    }
  }

  it('takes counts in three languages into the live picture once each, and answers each sender', async () => {
    const before = calls.length;
    // English, and the gateway retries it: Amina stored it, but its answer was lost on the way.
    dropFirst.add('A IK 250 1h');
    const en = await send(EN, 'A IK 250 1h');
    expect(en).toMatch(/^IK: 250 arrivals in the last 1 h, stored 15:00, ref [0-9A-F]{4}$/);
    const enCalls = calls.slice(before);
    expect(enCalls).toHaveLength(2);
    expect(enCalls[0]).toBe(enCalls[1]);

    const ar = await send(AR, 'ش DOM1 ٢٧٣٠٠');
    expect(ar).toMatch(/^DOM1: ٢٧٬٣٠٠ شخص في المخيم، حُفظ ١٥:٠٠، المرجع [0-9A-F]{4}$/);

    const ckb = await send(CKB, 'گ PK ١٢٠ ٣٠خ >هەولێر ٥٠');
    expect(ckb).toMatch(/^PK: ١٢٠ گەیشتوو لە ٣٠ خولەکی ڕابردوو، تۆمارکرا ١٥:٠٠، کۆد [0-9A-F]{4}$/);
    const health = await send(CKB, 'ت IKH داخراو ئەنسولین نییە');
    expect(health).toMatch(/^IKH: داخراوە، تۆمارکرا ١٥:٠٠، کۆد [0-9A-F]{4}$/);

    // The same text again from the lead: a question, and nothing stored.
    const again = await send(EN, 'A IK 250 1h');
    expect(again).toBe('IK: 250 arrivals in the last 1 h was stored at 15:00. Is this a new count? Then send it again ending in +');
    // A number nobody registered: refused, nothing stored.
    expect(await send(STRANGER, 'A IK 999 1h')).toBe('This phone number is not registered with Amina. Ask your coordinator to add it.');
    // A mistake gets what was wrong and an example, in the sender's language.
    expect(await send(AR, 'ش DOM1')).toBe('لم يُفهم: العدد ناقص. مثال: ش DOM1 ٢٧٣٠٠');

    // The live picture, over HTTP.
    const snapshot = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body;
    const site = (id: string) => snapshot.sites.find((s: Answer) => s.id === id);
    expect(site('ibrahim-khalil').arrivals1h).toBe(250);
    expect(site('peshkhabour').arrivals1h).toBe(120);
    expect(site('domiz-1').occupancy).toBe(27300);
    expect(site('ibrahim-khalil-health').status).toBe('closed');

    // The stored reports: four, once each, as the CSV export lists them.
    const csv = await (
      await fetch(`${server.url}/api/export/reports.csv?from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).text();
    const lines = csv.trim().split('\n');
    // a report with destinations adds a row for each (#adm1+code+dest): those are not reports
    const destColumn = lines[1]!.split(',').indexOf('#adm1+code+dest');
    const rows = lines.slice(2).filter((r) => destColumn < 0 || !r.split(',')[destColumn]);
    expect(rows).toHaveLength(4);
    for (const id of ['ibrahim-khalil', 'domiz-1', 'peshkhabour', 'ibrahim-khalil-health']) {
      expect(rows.filter((r) => r.split(',').includes(id)), id).toHaveLength(1);
    }
  }, 120_000);
});
