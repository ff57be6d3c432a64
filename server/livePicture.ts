// The server's in-memory projection of the log, one picture per world: the real one, and a drill's
// exercise world, built by the same code from the two parts of one log. Nothing in one world ever
// changes the other: its reports, its rollups, its alerts and its update sequence are its own.
import { isDeepStrictEqual } from 'node:util';
import { evaluateConditions } from '../shared/alerts.ts';
import { computePicture, diffPictures, withOpenAlertCounts, type Picture } from '../shared/projection.ts';
import { WORLDS, worldOf, type Alert, type Governorate, type Site, type Snapshot, type StoredReport, type Thresholds, type Update, type World } from '../shared/schemas.ts';
import { addReportToLog, emptySiteLog, pruneSiteLog, type SiteLog } from '../shared/siteLog.ts';
import { previewThresholds, type ThresholdPreview } from '../shared/thresholdPreview.ts';
import { isoSeconds } from '../shared/time.ts';
import { createAlertLifecycle, type AlertLifecycle } from './alertLifecycle.ts';
import type { Clock } from './clock.ts';
import { createLogReader } from './storage/logReader.ts';
import type { Store } from './storage/store.ts';

export interface LivePicture {
  /** Loads sites, thresholds and open alerts, and replays the whole log. */
  load(): Promise<void>;
  /**
   * Folds what the log holds beyond this instance's position (written here or by any instance),
   * re-evaluates the worlds it touched, and emits their updates. Callers that come before a read
   * starts share it: under a burst of posts this is one read, one projection and one update.
   */
  follow(): Promise<void>;
  /**
   * Runs a write to the log (`append`), counted while it is on its way: a follow that starts while
   * others are still committing may rest so that they share its update (see `lastFollowTook`).
   */
  writing<T>(append: () => Promise<T>): Promise<T>;
  /** Re-evaluates at the clock's time: windows slide and silence grows without new reports. */
  tick(): Promise<void>;
  snapshot(world: World): Snapshot;
  sites(): readonly Site[];
  site(id: string): Site | undefined;
  thresholds(): Thresholds;
  /** Judges both worlds by new thresholds; their updates carry the thresholds to every dashboard. */
  setThresholds(thresholds: Thresholds): Promise<void>;
  /**
   * What `setThresholds(thresholds)` would do to one world's open alerts at this moment, computed by
   * the same shared rules and reconciliation, changing nothing.
   */
  previewThresholds(world: World, thresholds: Thresholds): Promise<ThresholdPreview>;
  putSite(site: Site): Promise<void>;
  /**
   * Acknowledges an open alert of either world, stores and emits it. Returns undefined when no open
   * alert has that id (the caller tells an unknown id from a resolved one).
   */
  acknowledge(id: string, by: string, note: string | undefined): Promise<{ alert: Alert; world: World } | undefined>;
  onUpdate(listener: (update: Update) => void): void;
  /** Runs `task` alone: reads of the log, ticks and acknowledgements never interleave. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** With a shared store: takes the open alerts as stored, changed by any instance, and emits what differs. */
  reloadAlerts(): Promise<void>;
}

export interface LivePictureDeps {
  store: Store;
  clock: Clock;
  governorates: readonly Governorate[];
}

/** One world's picture: its site logs, its alerts, and the sequence of the updates it sent. */
interface WorldPicture {
  world: World;
  logs: Map<string, SiteLog>;
  alerts: AlertLifecycle;
  picture: Picture | null;
  seq: number;
  at: string;
}

export function createLivePicture({ store, clock, governorates }: LivePictureDeps): LivePicture {
  const pcodes = governorates.map((g) => g.pcode);
  const governorateNames = new Map(governorates.map((g) => [g.pcode, g.nameEn]));
  const reader = createLogReader(store.log);
  let sites: Site[] = [];
  let sitesById = new Map<string, Site>();
  let thresholds: Thresholds;
  /** Set when the thresholds changed, until the next update of each world has carried them out. */
  const thresholdsToSend = new Set<World>();
  const worlds = new Map<World, WorldPicture>(
    WORLDS.map((world) => [
      world,
      { world, logs: new Map(), alerts: createAlertLifecycle(store.alerts, world), picture: null, seq: 0, at: isoSeconds(clock.now()) },
    ]),
  );
  const listeners: ((update: Update) => void)[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  function worldPicture(world: World): WorldPicture {
    return worlds.get(world)!;
  }

  function setSites(next: Site[]) {
    sites = next;
    sitesById = new Map(next.map((s) => [s.id, s]));
  }

  /** Folds one report into its world; returns that world. */
  function fold(report: StoredReport): WorldPicture {
    const target = worldPicture(worldOf(report));
    let log = target.logs.get(report.siteId);
    if (!log) target.logs.set(report.siteId, (log = emptySiteLog()));
    addReportToLog(log, report);
    return target;
  }

  async function replay(): Promise<void> {
    for (const w of worlds.values()) w.logs.clear();
    await reader.replay(fold);
  }

  /** Folds what the log holds beyond our position; returns the worlds that changed. */
  async function readLog(): Promise<Set<WorldPicture>> {
    const read = await reader.readNew();
    if (read === 'rebuild') {
      await replay();
      return new Set(worlds.values());
    }
    const touched = new Set<WorldPicture>();
    for (const report of read) touched.add(fold(report));
    return touched;
  }

  /** Recomputes one world's picture at the clock's time, reconciles its alerts, and emits what changed. */
  async function refresh(w: WorldPicture, extraChangedAlerts: Alert[] = []): Promise<void> {
    const nowMs = clock.now();
    const nowIso = isoSeconds(nowMs);
    for (const log of w.logs.values()) pruneSiteLog(log, nowMs);

    const draft = computePicture(pcodes, sites, w.logs, w.alerts.openByGovernorate(), nowMs, thresholds);
    const conditions = evaluateConditions({
      sites,
      states: new Map(draft.sites.map((s) => [s.id, s])),
      governorates: draft.governorates,
      governorateNames,
      thresholds,
      nowMs,
    });
    const changedAlerts = [...extraChangedAlerts, ...(await w.alerts.reconcile(conditions, nowIso))];

    const next = changedAlerts.length ? withOpenAlertCounts(draft, w.alerts.openByGovernorate()) : draft;
    const first = w.picture === null;
    const diff = diffPictures(w.picture, next);
    w.picture = next;
    w.at = nowIso;
    // The picture built on start is the baseline that snapshots carry: nothing to send yet.
    if (first) return;
    const sendThresholds = thresholdsToSend.delete(w.world);
    if (!sendThresholds && !diff.national && diff.governorates.length === 0 && diff.sites.length === 0 && changedAlerts.length === 0) {
      return;
    }
    w.seq += 1;
    const update: Update = {
      seq: w.seq,
      at: w.at,
      world: w.world,
      governorates: diff.governorates,
      sites: diff.sites,
      national: next.national,
      alerts: changedAlerts,
      ...(sendThresholds ? { thresholds } : {}),
    };
    for (const listener of listeners) listener(update);
  }

  async function refreshAll(): Promise<void> {
    for (const w of worlds.values()) await refresh(w);
  }

  let queuedFollow: Promise<void> | undefined;
  /**
   * When the last follow's read and refresh ended, and how long they took. Under a stream of posts
   * (a reconnect storm through a proxy spreads them out) each commit would otherwise bring its own
   * read, projection, diff and broadcast to every dashboard, and those would take the thread from the
   * posts themselves. So while other writes are still on their way to the log, a follow rests until
   * as long after the last one as the last one took: the picture's work is at most half of a busy
   * thread, and the commits that come meanwhile share one update. A post with nothing else in
   * flight (calm, one post at a time) never waits.
   */
  let lastFollowEnded = 0;
  let lastFollowTook = 0;
  /**
   * The longest rest: a follow that rebuilt the picture from the whole log (seconds) must not hold
   * the next update back as long; a follow under a storm takes a few ms.
   */
  const MAX_REST_MS = 50;
  let writesInFlight = 0;
  const othersWriting = async (): Promise<boolean> => {
    if (writesInFlight === 0) return false;
    // The writes of one commit group are settled one after another: let those already committed
    // count themselves out before asking.
    await new Promise((resolve) => setImmediate(resolve));
    return writesInFlight > 0;
  };

  return {
    async load() {
      setSites(await store.sites.list());
      thresholds = await store.thresholds.get();
      await replay();
      for (const w of worlds.values()) await w.alerts.load();
      await exclusive(refreshAll);
    },

    follow() {
      // Queued once: every caller that comes before the read starts shares it, since the read's
      // snapshot is taken after their commits.
      queuedFollow ??= exclusive(async () => {
        if (await othersWriting()) {
          const rest = lastFollowEnded + Math.min(lastFollowTook, MAX_REST_MS) - performance.now();
          if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
        }
        queuedFollow = undefined;
        const started = performance.now();
        try {
          for (const w of await readLog()) await refresh(w);
        } finally {
          lastFollowEnded = performance.now();
          lastFollowTook = lastFollowEnded - started;
        }
      });
      return queuedFollow;
    },

    async writing(append) {
      writesInFlight += 1;
      try {
        return await append();
      } finally {
        writesInFlight -= 1;
      }
    },

    reloadAlerts() {
      return exclusive(async () => {
        const changed = new Map<WorldPicture, Alert[]>();
        for (const w of worlds.values()) changed.set(w, await w.alerts.reload());
        // Thresholds read after the alerts, for the same reason as the reports below: an instance
        // stores new thresholds before it judges by them, so these are at least as new as the ones
        // the alerts were judged by. Judged by older ones, an acknowledged critical alert that new
        // thresholds made a warning would look like an escalation here, and lose its acknowledgement.
        const stored = await store.thresholds.get();
        const newThresholds = !isDeepStrictEqual(stored, thresholds);
        if (newThresholds) {
          thresholds = stored;
          for (const world of WORLDS) thresholdsToSend.add(world);
        }
        // Reports read after the alerts: the picture is at least as new as the reports that changed
        // them, so this instance never undoes another's alert from a picture that lags behind it.
        const touched = await readLog();
        for (const [w, alerts] of changed) if (newThresholds || alerts.length > 0 || touched.has(w)) await refresh(w, alerts);
      });
    },

    tick() {
      return exclusive(refreshAll);
    },

    snapshot(world) {
      const w = worldPicture(world);
      if (!w.picture) throw new Error('the live picture is not loaded yet');
      return {
        seq: w.seq,
        at: w.at,
        world,
        national: w.picture.national,
        governorates: w.picture.governorates,
        sites: w.picture.sites,
        alerts: w.alerts.open(),
        thresholds,
      };
    },

    sites: () => sites,
    site: (id) => sitesById.get(id),
    thresholds: () => thresholds,

    setThresholds(next) {
      return exclusive(async () => {
        thresholds = next;
        for (const world of WORLDS) thresholdsToSend.add(world);
        await refreshAll();
      });
    },

    previewThresholds(world, proposed) {
      // In the queue, so that it judges the picture a save right now would judge.
      return exclusive(async () => {
        const w = worldPicture(world);
        const nowMs = clock.now();
        return previewThresholds(
          { pcodes, sites, logs: w.logs, governorateNames, open: w.alerts.open(), thresholds: proposed, nowMs, nowIso: isoSeconds(nowMs) },
          world,
        );
      });
    },

    putSite(site) {
      return exclusive(async () => {
        setSites(sitesById.has(site.id) ? sites.map((s) => (s.id === site.id ? site : s)) : [...sites, site]);
        await refreshAll();
      });
    },

    acknowledge(id, by, note) {
      return exclusive(async () => {
        for (const w of worlds.values()) {
          const open = w.alerts.find(id);
          if (!open) continue;
          // Acknowledging twice keeps the first acknowledgement, and changes nothing to send.
          if (open.state === 'acknowledged') return { alert: open, world: w.world };
          const stored = await w.alerts.acknowledge(id, by, note, isoSeconds(clock.now()));
          if (!stored) return undefined;
          await refresh(w, [stored]);
          // resolved meanwhile by another instance: it is not open, whatever this copy thought
          return stored.state === 'resolved' ? undefined : { alert: stored, world: w.world };
        }
        return undefined;
      });
    },

    onUpdate(listener) {
      listeners.push(listener);
    },

    exclusive,
  };
}
