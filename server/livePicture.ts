// The server's in-memory projection of the log: site logs, rollups, open alerts, and the update sequence.
import { randomUUID } from 'node:crypto';
import { evaluateConditions, openAlertsByGovernorate, reconcileAlerts, type AlertCondition } from '../shared/alerts.ts';
import {
  addReportToLog,
  computePicture,
  diffPictures,
  emptySiteLog,
  pruneSiteLog,
  withOpenAlertCounts,
  type Picture,
  type SiteLog,
} from '../shared/projection.ts';
import type { Alert, Governorate, Site, Snapshot, StoredReport, Thresholds, Update } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { DEFAULT_CAPACITY_EXHAUSTION } from '../shared/forecast.ts';
import type { LogReader } from './logFollower.ts';
import { StoreUnavailableError, type Store } from './storage/store.ts';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface LivePicture {
  /** Loads sites, thresholds and open alerts, and replays the whole log. */
  load(): Promise<void>;
  /** Replays the log again after reports were removed (exercise data cleared), then re-evaluates and emits. */
  rebuild(): Promise<void>;
  /** Folds newly stored reports in, re-evaluates, and emits an update. */
  applyReports(reports: readonly StoredReport[]): Promise<void>;
  /** Re-evaluates at the clock's time: windows slide and silence grows without new reports. */
  tick(): Promise<void>;
  snapshot(): Snapshot;
  sites(): readonly Site[];
  site(id: string): Site | undefined;
  thresholds(): Thresholds;
  setThresholds(thresholds: Thresholds): Promise<void>;
  putSite(site: Site): Promise<void>;
  /**
   * Acknowledges an open alert, stores and emits it. Returns undefined when no open alert has that
   * id (the caller tells an unknown id from a resolved one).
   */
  acknowledge(id: string, by: string, note: string | undefined): Promise<Alert | undefined>;
  onUpdate(listener: (update: Update) => void): void;
  /** Runs `task` alone: ingest, ticks and acknowledgements never interleave. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** With a shared log: folds what any instance stored since the last read (a rewritten log is replayed). */
  follow(): Promise<void>;
  /** With a shared log: takes the open alerts as stored, changed by any instance, and emits what differs. */
  reloadAlerts(): Promise<void>;
}

export interface LivePictureDeps {
  store: Store;
  clock: Clock;
  governorates: readonly Governorate[];
  /**
   * With a store shared by several instances: reports are folded only as read from the log, never
   * from the caller's copy, so each is counted once whichever instance stored it.
   */
  reader?: LogReader;
}

/** JSON with sorted keys: one alert written by two instances compares equal whatever its key order. */
function canonicalJson(value: object): string {
  return JSON.stringify(value, Object.keys(value).sort());
}

export function createLivePicture({ store, clock, governorates, reader }: LivePictureDeps): LivePicture {
  const pcodes = governorates.map((g) => g.pcode);
  const governorateNames = new Map(governorates.map((g) => [g.pcode, g.nameEn]));
  let sites: Site[] = [];
  let sitesById = new Map<string, Site>();
  let thresholds: Thresholds;
  const logs = new Map<string, SiteLog>();
  const openAlerts = new Map<string, Alert>();
  let picture: Picture | null = null;
  let seq = 0;
  let at = isoSeconds(clock.now());
  const listeners: ((update: Update) => void)[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  function setSites(next: Site[]) {
    sites = next;
    sitesById = new Map(next.map((s) => [s.id, s]));
  }

  function fold(report: StoredReport) {
    let log = logs.get(report.siteId);
    if (!log) logs.set(report.siteId, (log = emptySiteLog()));
    addReportToLog(log, report);
  }

  function replay(): Promise<unknown> {
    return reader ? reader.replay(fold) : store.replayReports(fold);
  }

  let queuedFollow: Promise<void> | undefined;

  /**
   * Queues one read of the shared log; callers that come before it starts share it, since its
   * snapshot is taken after their commits. Under a burst of posts this is one read, not one each.
   */
  function followSoon(): Promise<void> {
    queuedFollow ??= exclusive(async () => {
      queuedFollow = undefined;
      await followLog();
    });
    return queuedFollow;
  }

  /** Folds what the shared log holds beyond this instance's position; says whether there was anything. */
  async function readLog(): Promise<boolean> {
    if (!reader) return false;
    const read = await reader.readNew();
    if (read === 'rebuild') {
      logs.clear();
      await replay();
      return true;
    }
    for (const report of read) fold(report);
    return read.length > 0;
  }

  /** Reads the shared log on from where this instance stands; call inside `exclusive` only. */
  async function followLog(): Promise<void> {
    if (await readLog()) await refresh();
  }

  async function raise(condition: AlertCondition, nowIso: string): Promise<Alert> {
    const alert: Alert = { id: randomUUID(), ...condition, state: 'active', raisedAt: nowIso, updatedAt: nowIso };
    // The store returns the alert that is open already if another instance raised it first.
    return store.insertAlert(alert);
  }

  /** Recomputes the picture at `nowMs`, persists alert changes, and emits what changed. */
  async function refresh(extraChangedAlerts: Alert[] = []): Promise<void> {
    const nowMs = clock.now();
    const nowIso = isoSeconds(nowMs);
    for (const log of logs.values()) pruneSiteLog(log, nowMs);

    const forecastSettings = thresholds.capacityExhaustion ?? DEFAULT_CAPACITY_EXHAUSTION;
    const draft = computePicture(pcodes, sites, logs, openAlertsByGovernorate(openAlerts.values()), nowMs, forecastSettings);
    const conditions = evaluateConditions({
      sites,
      states: new Map(draft.sites.map((s) => [s.id, s])),
      governorates: draft.governorates,
      governorateNames,
      thresholds,
      nowMs,
    });
    const changes = reconcileAlerts([...openAlerts.values()], conditions, nowIso);
    const changedAlerts: Alert[] = [...extraChangedAlerts];
    for (const condition of changes.raise) {
      const alert = await raise(condition, nowIso);
      openAlerts.set(alert.id, alert);
      changedAlerts.push(alert);
    }
    const updated = [...changes.change, ...changes.resolve];
    // Written together, not one after another: in a surge every report moves several alerts, and a
    // store that commits concurrent writes as one (SQLite's group commit) then syncs once for all.
    await Promise.all(updated.map((alert) => store.updateAlert(alert)));
    for (const alert of updated) {
      if (alert.state === 'resolved') openAlerts.delete(alert.id);
      else openAlerts.set(alert.id, alert);
      changedAlerts.push(alert);
    }

    const next = changedAlerts.length
      ? withOpenAlertCounts(draft, openAlertsByGovernorate(openAlerts.values()))
      : draft;
    const first = picture === null;
    const diff = diffPictures(picture, next);
    picture = next;
    at = nowIso;
    // The picture built on start is the baseline that snapshots carry: nothing to send yet.
    if (first) return;
    if (!diff.national && diff.governorates.length === 0 && diff.sites.length === 0 && changedAlerts.length === 0) {
      return;
    }
    seq += 1;
    const update: Update = {
      seq,
      at,
      governorates: diff.governorates,
      sites: diff.sites,
      national: next.national,
      alerts: changedAlerts,
    };
    for (const listener of listeners) listener(update);
  }

  return {
    async load() {
      setSites(await store.listSites());
      thresholds = await store.getThresholds();
      logs.clear();
      await replay();
      openAlerts.clear();
      for (const alert of await store.listAlerts(['active', 'acknowledged'])) openAlerts.set(alert.id, alert);
      await exclusive(() => refresh());
    },

    rebuild() {
      return exclusive(async () => {
        logs.clear();
        await replay();
        await refresh();
      });
    },

    applyReports(reports) {
      // The reports are stored already: if reading them back fails, the follower's next poll folds them.
      if (reader) {
        return followSoon().catch((err: unknown) => {
          if (!(err instanceof StoreUnavailableError)) throw err;
        });
      }
      return exclusive(async () => {
        for (const report of reports) fold(report);
        await refresh();
      });
    },

    follow() {
      return followSoon();
    },

    reloadAlerts() {
      return exclusive(async () => {
        const stored = await store.listAlerts(['active', 'acknowledged']);
        const storedIds = new Set(stored.map((a) => a.id));
        const changed: Alert[] = [];
        for (const alert of stored) {
          const known = openAlerts.get(alert.id);
          if (!known || canonicalJson(known) !== canonicalJson(alert)) {
            openAlerts.set(alert.id, alert);
            changed.push(alert);
          }
        }
        for (const id of [...openAlerts.keys()].filter((known) => !storedIds.has(known))) {
          openAlerts.delete(id);
          // resolved by another instance: dashboards here see it resolve too
          const resolved = await store.getAlert(id);
          if (resolved) changed.push(resolved);
        }
        // Reports read after the alerts: the picture is at least as new as the reports that changed
        // them, so this instance never undoes another's alert from a picture that lags behind it.
        const folded = await readLog();
        if (changed.length > 0 || folded) await refresh(changed);
      });
    },

    tick() {
      return exclusive(() => refresh());
    },

    snapshot() {
      if (!picture) throw new Error('the live picture is not loaded yet');
      return {
        seq,
        at,
        national: picture.national,
        governorates: picture.governorates,
        sites: picture.sites,
        // newest first; ties by id, so that every instance lists the same alerts in the same order
        alerts: [...openAlerts.values()].sort((a, b) =>
          a.raisedAt !== b.raisedAt ? (a.raisedAt < b.raisedAt ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0,
        ),
      };
    },

    sites: () => sites,
    site: (id) => sitesById.get(id),
    thresholds: () => thresholds,

    setThresholds(next) {
      return exclusive(async () => {
        thresholds = next;
        await refresh();
      });
    },

    putSite(site) {
      return exclusive(async () => {
        setSites(sitesById.has(site.id) ? sites.map((s) => (s.id === site.id ? site : s)) : [...sites, site]);
        await refresh();
      });
    },

    acknowledge(id, by, note) {
      return exclusive(async () => {
        const open = openAlerts.get(id);
        if (!open) return undefined;
        // Acknowledging twice keeps the first acknowledgement: who saw it first is what matters.
        if (open.state === 'acknowledged') return open;
        const nowIso = isoSeconds(clock.now());
        const alert: Alert = {
          ...open,
          state: 'acknowledged',
          acknowledgedAt: nowIso,
          acknowledgedBy: by,
          ...(note ? { note } : {}),
          updatedAt: nowIso,
        };
        await store.updateAlert(alert);
        openAlerts.set(id, alert);
        await refresh([alert]);
        return alert;
      });
    },

    onUpdate(listener) {
      listeners.push(listener);
    },

    exclusive,
  };
}
