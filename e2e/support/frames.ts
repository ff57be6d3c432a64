// Frame times of a dashboard drawing 2,000 sites that change once a second: the browser test of the
// map and the bench's 4K wall row measure the same way, with this one function. The updates go into
// the page's store as the socket's `update` would bring them (`applyUpdate`, via ?testhooks), so what
// is measured is the drawing, not a server sharing the two cores with the browser.
import type { Page } from 'playwright-core';

/**
 * `still`: nothing changes; `typical`: every site gets new numbers each second within its band, one
 * site in twenty also changes colour (band or status); `worst`: every site changes colour each time.
 */
export type FramePhase = 'still' | 'typical' | 'worst';

export interface FrameStats {
  frames: number;
  updates: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** frames longer than 50 ms */
  over50ms: number;
}

export interface FrameOptions {
  /** synthetic sites added to the registry (2,000 in both measurements) */
  sites: number;
  phases: FramePhase[];
  /** how long each phase measures */
  durationMs: number;
  /** each phase also runs to at least this many frames, so that a p95 means something on a slow machine */
  minFrames?: number;
}

/**
 * Adds the synthetic sites, draws them once until the map is idle (a one-off, at most 60 s), then
 * measures each phase's requestAnimationFrame intervals in turn.
 */
export async function measureFrames(page: Page, options: FrameOptions): Promise<Record<FramePhase, FrameStats | undefined>> {
  // tsx (the bench) compiles with esbuild's keepNames, whose __name helper the page lacks
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate(inPage, { minFrames: 0, ...options });
}

/** Runs in the page: self-contained, it reaches nothing outside its argument. */
async function inPage({ sites, phases, durationMs, minFrames }: Required<FrameOptions>): Promise<Record<FramePhase, FrameStats | undefined>> {
  const store = window.aminaStore!;
  const base = store.getState();
  const kinds = ['checkpoint', 'shelter', 'health_post'] as const;
  const synthetic = Array.from({ length: sites }, (_, i) => ({
    id: `synthetic-${i}`,
    kind: kinds[i % 3]!,
    nameEn: `Synthetic ${i}`,
    nameAr: `موقع ${i}`,
    governorate: 'IQG09',
    lon: 39.5 + ((i * 7919) % 8000) / 1000,
    lat: 29.8 + ((i * 104_729) % 7000) / 1000,
    ...(i % 3 === 1 ? { capacity: 1000 } : {}),
  }));
  base.setSites([...Object.values(base.sites), ...synthetic]);
  let seq = base.seq ?? 0;
  let round = 0;
  const change = (phase: FramePhase) => {
    round++;
    const at = new Date().toISOString();
    const { national } = store.getState();
    const flips = (i: number) => phase === 'worst' || (i + round) % 20 === 0;
    store.getState().applyUpdate({
      seq: ++seq,
      at,
      world: 'real',
      national: national!,
      governorates: [],
      alerts: [],
      sites: synthetic.map((s, i) => ({
        id: s.id,
        lastReportAt: at,
        ...(s.kind === 'checkpoint' ? { arrivals1h: flips(i) ? ((i + round) * 97) % 1500 : ((i + round) * 7) % 400, arrivals24h: 5000 } : {}),
        ...(s.kind === 'shelter' ? { occupancy: flips(i) ? ((i + round) * 13) % 1200 : ((i + round) * 11) % 800 } : {}),
        ...(s.kind === 'health_post' ? { status: (['operational', 'limited', 'closed'] as const)[flips(i) ? (i + round) % 3 : 0] } : {}),
      })),
    });
  };
  const measure = async (phase: FramePhase): Promise<FrameStats> => {
    round = 0;
    const timer = phase === 'still' ? undefined : setInterval(() => change(phase), 1000);
    const intervals: number[] = [];
    await new Promise<void>((resolve) => {
      let last = performance.now();
      const started = last;
      const frame = (t: number) => {
        intervals.push(t - last);
        last = t;
        if (t - started < durationMs || intervals.length < minFrames) requestAnimationFrame(frame);
        else resolve();
      };
      requestAnimationFrame(frame);
    });
    clearInterval(timer);
    const sorted = [...intervals].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { frames: intervals.length, updates: round, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), over50ms: intervals.filter((ms) => ms > 50).length };
  };
  // the sites' first drawing is a one-off: one update, then until the map is idle (at most 60 s)
  const map = window.aminaMap!;
  const idle = new Promise((resolve) => map.once('idle', resolve));
  change('typical');
  await Promise.race([idle, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const result: Record<FramePhase, FrameStats | undefined> = { still: undefined, typical: undefined, worst: undefined };
  for (const phase of phases) result[phase] = await measure(phase);
  return result;
}
