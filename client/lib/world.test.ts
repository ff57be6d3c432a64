import { describe, expect, it } from 'vitest';
import { isOfViewedWorld, searchForWorld, viewedWorld } from './world.ts';

describe('viewedWorld', () => {
  it.each([
    ['', 'real'],
    ['?lang=ar', 'real'],
    ['?exercise', 'exercise'],
    ['?lang=ar&exercise', 'exercise'],
    ['?exercise=only', 'exercise'],
  ] as const)('%s is the %s world', (search, world) => {
    expect(viewedWorld(search)).toBe(world);
  });
});

describe('searchForWorld', () => {
  it.each([
    ['', 'exercise', '?exercise'],
    ['?lang=ar', 'exercise', '?lang=ar&exercise'],
    ['?lang=ar&exercise', 'exercise', '?lang=ar&exercise'],
    ['?exercise&lang=ar&rotate=5', 'real', '?lang=ar&rotate=5'],
    ['?exercise=only', 'real', ''],
    ['?exercise', 'real', ''],
  ] as const)('%s for the %s world is %s', (search, world, expected) => {
    expect(searchForWorld(search, world)).toBe(expected);
    // and the address it makes is read back as that world
    expect(viewedWorld(expected)).toBe(world);
  });
});

describe('isOfViewedWorld', () => {
  it('applies only a picture of the world the screen shows', () => {
    expect(isOfViewedWorld({ world: 'real' }, 'real')).toBe(true);
    expect(isOfViewedWorld({ world: 'exercise' }, 'exercise')).toBe(true);
    expect(isOfViewedWorld({ world: 'exercise' }, 'real')).toBe(false);
    expect(isOfViewedWorld({ world: 'real' }, 'exercise')).toBe(false);
  });
});
