// The picture at a past moment on screen: asks GET /api/snapshot?at= and puts the answer in the store
// in place of the live picture (the feed waits meanwhile, lib/realtime.ts), and keeps the moment in
// the address as `?at=`, so that a link or a reload opens the same moment.
import { Snapshot } from '../../shared/schemas.ts';
import { useDashboard } from '../store/store.ts';
import { setAddressParam } from './address.ts';
import { apiRequest } from './api.ts';
import { viewedWorld } from './world.ts';

/** The moment in the address (`?at=`), if it names one that parses. */
export function addressMoment(search: string = window.location.search): number | null {
  const at = new URLSearchParams(search).get('at');
  const ms = at === null ? NaN : Date.parse(at);
  return Number.isFinite(ms) ? ms : null;
}

let latest = 0;

/**
 * Shows the picture as known at `atMs`. Answers that come back out of order are dropped: only the
 * last moment asked for is shown. Resolves once it is (or once a later request superseded it).
 */
export async function showPastPicture(atMs: number, signal?: AbortSignal): Promise<void> {
  const ticket = ++latest;
  const at = new Date(Math.floor(atMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const world = viewedWorld() === 'exercise' ? '&exercise=only' : '';
  const snapshot = await apiRequest(`/api/snapshot?at=${encodeURIComponent(at)}${world}`, Snapshot, { signal });
  if (ticket !== latest) return;
  useDashboard.getState().showPast(snapshot);
  setAddressParam('at', snapshot.at);
}

/** Back to the live picture, with one click: the feed asks for a fresh snapshot. */
export function returnToLive(): void {
  latest++;
  setAddressParam('at', null);
  useDashboard.getState().returnLive();
}
