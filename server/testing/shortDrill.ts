// A short synthetic drill for the server tests: two hours of a crossing, a shelter filling and a clinic
// going to limited, five reports in all.
import type { Scenario } from '../../shared/scenario.ts';

export const SHORT_DRILL: Scenario = {
  name: 'test-short',
  title: 'SYNTHETIC: test drill',
  synthetic: true,
  description: 'Synthetic test data.',
  durationMinutes: 120,
  events: [
    { atMinute: 0, siteId: 'peshkhabour', kind: 'arrivals', arrivals: 400, periodMinutes: 60 },
    { atMinute: 0, siteId: 'domiz-1', kind: 'occupancy', occupancy: 24_000 },
    { atMinute: 60, siteId: 'peshkhabour', kind: 'arrivals', arrivals: 700, periodMinutes: 60, households: 150 },
    { atMinute: 60, siteId: 'domiz-1-clinic', kind: 'health', status: 'limited', note: 'drill: vaccine stock low' },
    { atMinute: 120, siteId: 'domiz-1', kind: 'occupancy', occupancy: 26_000 },
  ],
};
