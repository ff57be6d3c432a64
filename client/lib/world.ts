// Which world a screen shows: the real picture, or with `?exercise` in the address a drill's.
import type { World } from '../../shared/schemas.ts';

export function viewedWorld(search: string = window.location.search): World {
  return new URLSearchParams(search).has('exercise') ? 'exercise' : 'real';
}
