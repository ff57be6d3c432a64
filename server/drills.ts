// Drills started from the browser: a scenario from fixtures/scenarios/ replayed by the server itself,
// through the same ingest path and the same replay code (shared/scenario.ts) as `npm run drill`.
// One drill at a time per instance; its reports are exercise data, posted as a drill reporter of
// the scenario's sites would post them, and cleared with DELETE /api/exercise.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { replayScenario, Scenario, summariseScenario, type DrillStatus, type ScenarioSummary } from '../shared/scenario.ts';
import { isoSeconds } from '../shared/time.ts';
import type { AuditLog } from './audit.ts';
import type { Principal } from './auth.ts';
import { ingestReports, ReportRejected, type IngestDeps } from './ingest.ts';

/** Why a drill cannot start or stop: the HTTP edge names the field and the status. */
export class DrillRefused extends Error {
  constructor(
    readonly status: 409 | 422,
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'DrillRefused';
  }
}

export interface Drills {
  scenarios(): ScenarioSummary[];
  /** the running drill, else the last one that ended on this instance, else null */
  current(): DrillStatus | null;
  running(): boolean;
  /** Starts a drill; refused while one runs, or for a scenario this server does not have or cannot play. */
  start(name: string, speed: number, by: Principal, requestId?: string): Promise<DrillStatus>;
  /** Stops the running drill and waits for it to end; refused when none runs. */
  stop(by: Principal, requestId?: string): Promise<DrillStatus>;
  /** Stops any running drill, for the server's shutdown. */
  close(): Promise<void>;
}

export interface DrillDeps extends IngestDeps {
  audit: AuditLog;
  logger: Logger;
  scenariosDir: string;
}

/** Every scenario file in the folder that parses; one that does not is logged and left out. */
export function loadScenarios(dir: string, logger: Logger): Map<string, Scenario> {
  const scenarios = new Map<string, Scenario>();
  if (!fs.existsSync(dir)) return scenarios;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = Scenario.safeParse(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    if (parsed.success) scenarios.set(parsed.data.name, parsed.data);
    else logger.warn({ file, issues: parsed.error.issues.slice(0, 3) }, 'scenario file left out: it is not a valid scenario');
  }
  return scenarios;
}

export function createDrills(deps: DrillDeps): Drills {
  const { clock, live, audit, logger } = deps;
  const scenarios = loadScenarios(deps.scenariosDir, logger);
  let status: DrillStatus | null = null;
  let run: { controller: AbortController; done: Promise<void>; starter: Principal } | undefined;

  const record = (principal: Principal, action: 'drill.start' | 'drill.stop', details: Record<string, unknown>, requestId?: string) =>
    audit.record(principal, { action, subject: status!.id, ...(requestId ? { requestId } : {}), details }).catch((err: unknown) => {
      logger.error({ err }, 'could not record a drill in the audit log');
    });

  function summary(s: DrillStatus) {
    return { scenario: s.scenario, speed: s.speed, state: s.state, posted: s.posted, duplicate: s.duplicate, failed: s.failed, reachedMinute: s.reachedMinute };
  }

  async function play(scenario: Scenario, drill: DrillStatus, principal: Principal, signal: AbortSignal): Promise<void> {
    const startMs = performance.now();
    await replayScenario(scenario, {
      speed: drill.speed,
      elapsedMs: () => performance.now() - startMs,
      sleep: (ms) =>
        new Promise((resolve) => {
          if (ms <= 0 || signal.aborted) return resolve();
          const timer = setTimeout(done, ms);
          signal.addEventListener('abort', done, { once: true });
          function done() {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          }
        }),
      stopped: () => signal.aborted,
      nowIso: () => isoSeconds(clock.now()),
      newId: randomUUID,
      async post(_siteId, reports) {
        try {
          const answer = await ingestReports(reports, principal, deps);
          drill.posted += answer.accepted.length;
          drill.duplicate += answer.duplicate.length;
        } catch (err) {
          // A refused or failed post is counted and named, and the drill plays on, as the CLI's does.
          drill.failed += reports.length;
          drill.lastError = err instanceof ReportRejected ? err.message : 'the store did not take the reports';
          if (!(err instanceof ReportRejected)) logger.error({ err }, 'a drill post failed');
        }
      },
      stepDone(atMinute) {
        drill.reachedMinute = atMinute;
      },
    });
  }

  return {
    scenarios: () => [...scenarios.values()].map(summariseScenario),
    current: () => (status ? { ...status } : null),
    running: () => run !== undefined,

    async start(name, speed, by, requestId) {
      if (run) {
        throw new DrillRefused(409, undefined, `A drill is running already ("${status!.scenario}", started by ${status!.startedBy}): stop it first.`);
      }
      const scenario = scenarios.get(name);
      if (!scenario) {
        throw new DrillRefused(422, 'scenario', `No scenario "${name}": choose one of ${[...scenarios.keys()].map((n) => `"${n}"`).join(', ') || 'none (fixtures/scenarios/ is empty)'}.`);
      }
      const siteIds = [...new Set(scenario.events.map((e) => e.siteId))];
      const unknown = siteIds.filter((id) => !live.site(id));
      if (unknown.length) {
        throw new DrillRefused(422, 'scenario', `Scenario "${name}" names sites this registry does not have (${unknown.join(', ')}); it cannot play.`);
      }
      const drill: DrillStatus = {
        id: randomUUID(),
        scenario: scenario.name,
        title: scenario.title,
        speed,
        state: 'running',
        startedAt: isoSeconds(clock.now()),
        startedBy: by.label,
        durationMinutes: scenario.durationMinutes,
        reachedMinute: 0,
        reports: scenario.events.length,
        posted: 0,
        duplicate: 0,
        failed: 0,
      };
      status = drill;
      // A drill reporter for exactly the scenario's sites, in the exercise world: what the CLI's
      // tokens are, without a token to leak or revoke.
      const principal: Principal = { tokenId: `drill-${drill.id}`, role: 'reporter', sites: siteIds, label: `drill ${scenario.name}`, exercise: true };
      const controller = new AbortController();
      const starter = by;
      // Recorded before the first report: the audit log says who started a drill before anything of it is stored.
      const recorded = record(by, 'drill.start', { scenario: scenario.name, speed }, requestId);
      const done = recorded.then(() => play(scenario, drill, principal, controller.signal)).then(
        () => {
          if (drill.state === 'running') drill.state = controller.signal.aborted ? 'stopped' : 'finished';
        },
        (err: unknown) => {
          logger.error({ err }, 'drill failed');
          drill.state = 'failed';
          drill.lastError = (err as Error).message;
        },
      );
      run = { controller, done, starter };
      void done.then(async () => {
        drill.endedAt = isoSeconds(clock.now());
        run = undefined;
        // A drill that ran to its end (or failed) is recorded for whoever started it; a stop, for whoever stopped it.
        if (drill.state !== 'stopped') await record(starter, 'drill.stop', summary(drill));
      });
      await recorded;
      return { ...drill };
    },

    async stop(by, requestId) {
      if (!run || !status) throw new DrillRefused(409, undefined, 'No drill is running.');
      const drill = status;
      drill.state = 'stopped';
      drill.stoppedBy = by.label;
      run.controller.abort();
      await run.done;
      drill.endedAt ??= isoSeconds(clock.now());
      run = undefined;
      await record(by, 'drill.stop', summary(drill), requestId);
      return { ...drill };
    },

    async close() {
      if (!run) return;
      run.controller.abort();
      await run.done;
    },
  };
}
