import { describe, expect, it } from 'vitest';
import { compressedPeriod, replayScenario, Scenario, scenarioSteps } from './scenario.ts';
import type { Report } from './schemas.ts';

const base = { name: 'x', title: 'X', synthetic: true, description: 'd', durationMinutes: 60 };

describe('the scenario format', () => {
  it.each([
    ['an event after the end', { ...base, events: [{ atMinute: 61, siteId: 'domiz-1', kind: 'occupancy', occupancy: 1 }] }, 'events.0.atMinute'],
    ['an event with a report id', { ...base, events: [{ atMinute: 0, id: 'x', siteId: 'domiz-1', kind: 'occupancy', occupancy: 1 }] }, 'events.0'],
    ['a negative count', { ...base, events: [{ atMinute: 0, siteId: 'peshkhabour', kind: 'arrivals', arrivals: -1, periodMinutes: 60 }] }, 'events.0.arrivals'],
    ['an unknown health status', { ...base, events: [{ atMinute: 0, siteId: 'c', kind: 'health', status: 'fine' }] }, 'events.0.status'],
    ['no word on whether it is synthetic', { ...base, synthetic: undefined, events: [{ atMinute: 0, siteId: 'c', kind: 'health', status: 'closed' }] }, 'synthetic'],
    ['no events', { ...base, events: [] }, 'events'],
  ])('rejects %s', (_name, input, path) => {
    const parsed = Scenario.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('groups events by minute, in time order', () => {
    const scenario = Scenario.parse({
      ...base,
      events: [
        { atMinute: 30, siteId: 'a', kind: 'occupancy', occupancy: 2 },
        { atMinute: 0, siteId: 'b', kind: 'occupancy', occupancy: 1 },
        { atMinute: 30, siteId: 'c', kind: 'health', status: 'limited' },
      ],
    });
    expect(scenarioSteps(scenario).map((s) => [s.atMinute, s.events.map((e) => e.siteId)])).toEqual([
      [0, ['b']],
      [30, ['a', 'c']],
    ]);
  });

  it.each([
    [60, 1, 60],
    [60, 60, 1],
    [60, 7200, 1],
    [120, 60, 2],
    [1440, 0.5, 1440],
  ])('a %i-minute period played at %f× is posted as %i minutes', (period, speed, expected) => {
    expect(compressedPeriod(period, speed)).toBe(expected);
  });

  it('replays each minute when its time comes at the speed, stamped with the time of posting, per site, until stopped', async () => {
    const scenario = Scenario.parse({
      ...base,
      durationMinutes: 120,
      events: [
        { atMinute: 0, siteId: 'a', kind: 'arrivals', arrivals: 10, periodMinutes: 60 },
        { atMinute: 0, siteId: 'a', kind: 'arrivals', arrivals: 11, periodMinutes: 60 },
        { atMinute: 0, siteId: 'b', kind: 'occupancy', occupancy: 5 },
        { atMinute: 60, siteId: 'c', kind: 'health', status: 'closed' },
        { atMinute: 120, siteId: 'b', kind: 'occupancy', occupancy: 6 },
      ],
    });
    let now = 0;
    let n = 0;
    const waits: number[] = [];
    const posts: [number, string, Report[]][] = [];
    await replayScenario(scenario, {
      speed: 60,
      elapsedMs: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        if (ms > 0) now += ms;
      },
      stopped: () => posts.length >= 3,
      nowIso: () => `t${now}`,
      newId: () => `id${n++}`,
      post: async (siteId, reports, atMinute) => {
        posts.push([atMinute, siteId, reports]);
      },
    });
    // 60 scenario minutes at 60× are one real minute; stopped before minute 120's step
    expect(waits).toEqual([0, 60_000, 60_000]);
    expect(posts.map(([m, site, reports]) => [m, site, reports.map((r) => r.id)])).toEqual([
      [0, 'a', ['id0', 'id1']],
      [0, 'b', ['id2']],
      [60, 'c', ['id3']],
    ]);
    expect(posts[0]![2][0]).toEqual({ siteId: 'a', kind: 'arrivals', arrivals: 10, periodMinutes: 1, id: 'id0', observedAt: 't0' });
    expect(posts[2]![2][0]!.observedAt).toBe('t60000');
  });
});
