// Preparedness drill: replays a scenario through the real API with real (exercise) reporter tokens.
//
//   npm run drill -- fixtures/scenarios/<name>.json [--speed 60] [--url http://127.0.0.1:8080] [--admin-token …]
//
// Each scenario site gets its own exercise reporter token, so every report is stored as exercise data
// (cleared with DELETE /api/exercise) and alerts it raises go out as CAP status Exercise. Reports are
// stamped with the time they are posted: the scenario starts now and plays --speed times faster.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { replayScenario, Scenario } from '../shared/scenario.ts';
import { IssuedToken, PostReportsAnswer, type Report } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { apiTarget, callApi, errorText, runMain, theOneFile, UsageError, type ApiTarget } from './cli.ts';

export interface DrillOptions extends ApiTarget {
  scenario: Scenario;
  /** scenario minutes per real minute */
  speed: number;
  log?: (line: string) => void;
  /** stops the drill early; its tokens are still revoked */
  signal?: AbortSignal;
}

export interface DrillResult {
  posted: number;
  duplicate: number;
  failed: number;
  tokensRevoked: number;
}

const MAX_ATTEMPTS = 5;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** "+30h05": a scenario time for the log. */
function scenarioClock(minutes: number): string {
  return `+${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}`;
}

function describe(r: Report): string {
  if (r.kind === 'arrivals') return `${r.arrivals} arrivals`;
  if (r.kind === 'occupancy') return `${r.occupancy} sheltered`;
  return r.status;
}

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { scenario, speed, signal } = options;
  const log = options.log ?? (() => undefined);
  const result: DrillResult = { posted: 0, duplicate: 0, failed: 0, tokensRevoked: 0 };

  const sites = await callApi(options, options.adminToken, 'GET', '/api/sites');
  if (sites.status !== 200) throw new Error(`Cannot list sites: ${errorText(sites)}`);
  const known = new Set((sites.body as { id: string }[]).map((s) => s.id));
  const siteIds = [...new Set(scenario.events.map((e) => e.siteId))];
  const unknown = siteIds.filter((id) => !known.has(id));
  if (unknown.length) throw new Error(`The server has no site ${unknown.map((id) => `"${id}"`).join(', ')}; the scenario cannot play.`);

  const tokens = new Map<string, { id: string; token: string }>();
  try {
    for (const siteId of siteIds) {
      const issued = await callApi(options, options.adminToken, 'POST', '/api/tokens', {
        role: 'reporter',
        sites: [siteId],
        label: `drill ${scenario.name}: ${siteId}`.slice(0, 100),
        exercise: true,
      });
      if (issued.status !== 201) throw new Error(`Cannot create a drill token for ${siteId}: ${errorText(issued)}`);
      tokens.set(siteId, IssuedToken.parse(issued.body));
    }
    log(`Drill "${scenario.title}": ${scenario.events.length} reports at ${siteIds.length} sites, ${speed}× speed, about ${Math.ceil(scenario.durationMinutes / speed)} min.`);

    // The shared replay (shared/scenario.ts) times and stamps the reports, as the server's drills do.
    const startMs = Date.now();
    await replayScenario(scenario, {
      speed,
      elapsedMs: () => Date.now() - startMs,
      sleep: (ms) => sleep(ms, signal),
      stopped: () => signal?.aborted ?? false,
      nowIso: () => isoSeconds(Date.now()),
      newId: randomUUID,
      async post(siteId, reports, atMinute) {
        const outcome = await post(options, tokens.get(siteId)!.token, reports, signal);
        if (outcome.ok) {
          result.posted += outcome.accepted;
          result.duplicate += outcome.duplicate;
          log(`${scenarioClock(atMinute)} ${siteId}: ${reports.map(describe).join(', ')}`);
        } else {
          result.failed += reports.length;
          log(`${scenarioClock(atMinute)} ${siteId}: FAILED ${outcome.error}`);
        }
      },
    });
  } finally {
    for (const [siteId, { id }] of tokens) {
      const revoked = await callApi(options, options.adminToken, 'DELETE', `/api/tokens/${id}`).catch((err: Error) => ({
        status: 0,
        body: err.message,
        headers: new Headers(),
      }));
      if (revoked.status === 204) result.tokensRevoked++;
      else log(`Could not revoke the drill token of ${siteId} (id ${id}): revoke it by hand.`);
    }
  }
  log(`Done: ${result.posted} reports stored, ${result.failed} failed; ${result.tokensRevoked} drill tokens revoked.`);
  return result;
}

/** Posts one batch, retrying the same ids (so a retry never counts twice) on 429, 503 and network errors. */
async function post(
  target: ApiTarget,
  token: string,
  reports: Report[],
  signal?: AbortSignal,
): Promise<{ ok: true; accepted: number; duplicate: number } | { ok: false; error: string }> {
  let error = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      const answer = await callApi(target, token, 'POST', '/api/reports', { reports });
      if (answer.status === 201) {
        const { accepted, duplicate } = PostReportsAnswer.parse(answer.body);
        return { ok: true, accepted: accepted.length, duplicate: duplicate.length };
      }
      error = errorText(answer);
      if (answer.status !== 429 && answer.status !== 503) break;
      await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000, signal);
    } catch (err) {
      error = (err as Error).message;
      await sleep(attempt * 1000, signal);
    }
    if (signal?.aborted) break;
  }
  return { ok: false, error };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { speed: { type: 'string' }, url: { type: 'string' }, 'admin-token': { type: 'string' } },
  });
  const file = theOneFile(positionals, 'Usage: npm run drill -- <scenario.json> [--speed 60] [--url …] [--admin-token …]');
  const speed = Number(values.speed ?? 60);
  if (!Number.isFinite(speed) || speed <= 0) throw new UsageError(`--speed must be a positive number, got "${values.speed}".`);
  const parsed = Scenario.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new UsageError(`${file} is not a valid scenario:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const controller = new AbortController();
  // Ctrl-C ends the drill early; its tokens are still revoked.
  process.once('SIGINT', () => controller.abort());
  const result = await runDrill({ ...apiTarget(values), scenario: parsed.data, speed, signal: controller.signal, log: console.log });
  if (parsed.data.synthetic) console.log('The scenario is synthetic. Clear its data with DELETE /api/exercise when the drill is over.');
  return result.failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runMain(main);
