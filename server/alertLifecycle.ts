// The life of one world's alerts: raised when a condition starts to hold, updated while it does,
// resolved when it clears, acknowledged by an analyst; every change stored before it is shown.
import { randomUUID } from 'node:crypto';
import { openAlertsByGovernorate, reconcileAlerts, type AlertCondition } from '../shared/alerts.ts';
import { sameValue } from '../shared/sameValue.ts';
import type { Alert, World } from '../shared/schemas.ts';
import type { AlertStore } from './storage/store.ts';

export interface AlertLifecycle {
  /** Takes the world's open alerts as stored. */
  load(): Promise<void>;
  /** The open alerts (active and acknowledged), newest raised first, ties by id. */
  open(): Alert[];
  find(id: string): Alert | undefined;
  openByGovernorate(): Map<string, number>;
  /**
   * Raises, updates and resolves so that the open alerts match the conditions that hold at `nowIso`,
   * stores each change, and returns the changed alerts as stored.
   */
  reconcile(conditions: readonly AlertCondition[], nowIso: string): Promise<Alert[]>;
  /** Acknowledges an open alert; undefined when none is open with that id. A second acknowledgement keeps the first. */
  acknowledge(id: string, by: string, note: string | undefined, nowIso: string): Promise<Alert | undefined>;
  /** With a shared store: takes the open alerts as any instance left them, and returns what differs from ours. */
  reload(): Promise<Alert[]>;
}


/** How alerts are listed everywhere: newest raised first, ties by id, so every instance lists them alike. */
export function newestFirst(a: Alert, b: Alert): number {
  if (a.raisedAt !== b.raisedAt) return a.raisedAt < b.raisedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function createAlertLifecycle(store: AlertStore, world: World): AlertLifecycle {
  const openAlerts = new Map<string, Alert>();

  /** Keeps what the store holds after a write: another instance's acknowledgement may have been merged in. */
  function keep(alert: Alert): void {
    if (alert.state === 'resolved') openAlerts.delete(alert.id);
    else openAlerts.set(alert.id, alert);
  }

  return {
    async load() {
      openAlerts.clear();
      for (const alert of await store.list(world, ['active', 'acknowledged'])) openAlerts.set(alert.id, alert);
    },

    open: () => [...openAlerts.values()].sort(newestFirst),
    find: (id) => openAlerts.get(id),
    openByGovernorate: () => openAlertsByGovernorate(openAlerts.values()),

    async reconcile(conditions, nowIso) {
      const changes = reconcileAlerts([...openAlerts.values()], conditions, nowIso);
      const changed: Alert[] = [];
      for (const condition of changes.raise) {
        const alert: Alert = { id: randomUUID(), ...condition, state: 'active', raisedAt: nowIso, updatedAt: nowIso };
        // The store returns the alert that is open already if another instance raised it first.
        const stored = await store.insert(world, alert);
        keep(stored);
        changed.push(stored);
      }
      // Written together, not one after another: in a surge every report moves several alerts, and a
      // store that commits concurrent writes as one (SQLite's group commit) then syncs once for all.
      const written = await Promise.all([...changes.change, ...changes.resolve].map((alert) => store.update(alert)));
      for (const stored of written) {
        if (!stored) continue;
        keep(stored);
        changed.push(stored);
      }
      return changed;
    },

    async acknowledge(id, by, note, nowIso) {
      const open = openAlerts.get(id);
      if (!open) return undefined;
      // Acknowledging twice keeps the first acknowledgement: who saw it first is what matters.
      if (open.state === 'acknowledged') return open;
      const next: Alert = { ...open, state: 'acknowledged', acknowledgedAt: nowIso, acknowledgedBy: by, ...(note ? { note } : {}), updatedAt: nowIso };
      const stored = await store.update(next);
      if (!stored) return undefined;
      keep(stored);
      return stored;
    },

    async reload() {
      const stored = await store.list(world, ['active', 'acknowledged']);
      const storedIds = new Set(stored.map((a) => a.id));
      const changed: Alert[] = [];
      for (const alert of stored) {
        const known = openAlerts.get(alert.id);
        if (!known || !sameValue(known, alert)) {
          openAlerts.set(alert.id, alert);
          changed.push(alert);
        }
      }
      for (const id of [...openAlerts.keys()].filter((known) => !storedIds.has(known))) {
        openAlerts.delete(id);
        // resolved by another instance: dashboards here see it resolve too
        const resolved = await store.get(id);
        if (resolved) changed.push(resolved.alert);
      }
      return changed;
    },
  };
}
