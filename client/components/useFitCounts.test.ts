import { describe, expect, it } from 'vitest';
import { withOneFewer } from './useFitCounts.ts';

describe('withOneFewer', () => {
  it.each([
    [[5, 4], [4, 4]],
    [[4, 4], [4, 3]],
    [[1, 1], [1, 0]],
    [[1, 0], [0, 0]],
    [[0, 3], [0, 2]],
    [[2], [1]],
  ])('%j → %j', (shown, next) => {
    expect(withOneFewer(shown)).toEqual(next);
  });

  it('says so when nothing is left to take away', () => {
    expect(withOneFewer([0, 0])).toBeNull();
    expect(withOneFewer([])).toBeNull();
  });

  it('always ends, whatever the start', () => {
    let shown: number[] | null = [7, 3, 12];
    let steps = 0;
    while (shown) {
      shown = withOneFewer(shown);
      steps++;
    }
    expect(steps).toBe(7 + 3 + 12 + 1);
  });
});
