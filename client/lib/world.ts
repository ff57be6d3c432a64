// Which world a screen shows: the real picture, or with `?exercise` in the address a drill's.
import type { World } from '../../shared/schemas.ts';

export function viewedWorld(search: string = window.location.search): World {
  return new URLSearchParams(search).has('exercise') ? 'exercise' : 'real';
}

/**
 * The same address query for `world`: every other parameter (lang, rotate, testhooks) is kept, and
 * the exercise world is written as a bare `exercise` (`?lang=ar&exercise`), as people type it.
 */
export function searchForWorld(search: string, world: World): string {
  const params = new URLSearchParams(search);
  params.delete('exercise');
  const rest = params.toString();
  const query = world === 'exercise' ? (rest ? `${rest}&exercise` : 'exercise') : rest;
  return query ? `?${query}` : '';
}

/**
 * Whether a snapshot or update belongs on this screen. A picture of the other world is never
 * applied: a drill's numbers on the real screen (or the reverse) would be worse than showing nothing.
 */
export function isOfViewedWorld(payload: { world: World }, viewed: World): boolean {
  return payload.world === viewed;
}
