import { describe, expect, it } from 'vitest';
import { updateAction } from './realtime.ts';

describe('updateAction', () => {
  it.each([
    ['the next update', 41, 42, false, 'apply'],
    ['a repeat of the last one', 42, 42, false, 'ignore'],
    ['an older one', 42, 40, false, 'ignore'],
    ['a gap of one update', 42, 44, false, 'resync'],
    ['an update before any snapshot', null, 1, false, 'resync'],
    ['an update while a snapshot is on its way', 42, 43, true, 'ignore'],
  ] as const)('%s', (_name, current, incoming, awaiting, expected) => {
    expect(updateAction(current, incoming, awaiting)).toBe(expected);
  });
});
