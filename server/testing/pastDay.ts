// The day the past-picture tests replay, an hour at a time: a surge builds at Ibrahim Khalil and tips
// Duhok over its line, Domiz 1 fills, a clinic closes and reopens, Rabia reports once and falls
// silent, and one report arrives three hours late. Each test makes its reports its own way.

/** How a test makes one report: the site, its fields, and when it was observed (default: now). */
export type MakeReport<R> = (siteId: string, fields: Record<string, unknown>, observedMs?: number) => R;

/** The reports of hour `hour` (0 to 23) of the day that starts at `startMs`. */
export function pastDayBatch<R>(hour: number, startMs: number, report: MakeReport<R>): R[] {
  const batch = [report('ibrahim-khalil', { kind: 'arrivals', arrivals: 200 + hour * 150, periodMinutes: 60 })];
  if (hour % 4 === 0) batch.push(report('domiz-1', { kind: 'occupancy', occupancy: 22_000 + hour * 300 }));
  if (hour === 2) batch.push(report('rabia', { kind: 'arrivals', arrivals: 40, periodMinutes: 60 }));
  if (hour === 5) batch.push(report('domiz-1-clinic', { kind: 'health', status: 'closed' }));
  if (hour === 15) batch.push(report('domiz-1-clinic', { kind: 'health', status: 'operational' }));
  // the late one: observed at 09:30, received at 12:17
  if (hour === 6) batch.push(report('peshkhabour', { kind: 'arrivals', arrivals: 900, periodMinutes: 60 }, startMs + 3.5 * 3_600_000));
  return batch;
}
