// The three connection states and when the monitor asks the server again.
import { describe, expect, it } from 'vitest';
import { createConnectionMonitor, ONLINE_PROBE_MS, PROBE_CAP_MS } from './connection.ts';

function harness(answers: boolean[]) {
  let network = true;
  const timers: { fn: () => void; ms: number }[] = [];
  const reached: number[] = [];
  let probes = 0;
  const monitor = createConnectionMonitor({
    probe: async () => answers[Math.min(probes++, answers.length - 1)] ?? false,
    networkUp: () => network,
    random: () => 0.5,
    onReachable: () => reached.push(probes),
    setTimer: (fn, ms) => timers.push({ fn, ms }) - 1,
    clearTimer: () => undefined,
  });
  return {
    monitor,
    timers,
    reached,
    setNetwork: (up: boolean) => {
      network = up;
    },
    probes: () => probes,
  };
}

describe('the connection monitor', () => {
  it('says unreachable while /api/health does not answer, with growing capped waits, then online and sends', async () => {
    const h = harness([false, false, false, false, true]);
    expect(h.monitor.state()).toBe('checking');
    await h.monitor.check();
    expect(h.monitor.state()).toBe('unreachable');
    for (let i = 0; i < 3; i++) await (h.timers.at(-1)!.fn(), h.monitor.check());
    expect(h.monitor.state()).toBe('unreachable');
    const waits = h.timers.map((t) => t.ms);
    // 1 s, 2 s, 4 s windows with equal jitter (random 0.5: three quarters of each), never above the cap.
    expect(waits.slice(0, 3)).toEqual([750, 1500, 3000]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(PROBE_CAP_MS);
    expect(h.reached).toEqual([]);
    await h.monitor.check();
    expect(h.monitor.state()).toBe('online');
    expect(h.reached).toHaveLength(1);
    expect(h.timers.at(-1)!.ms).toBe(ONLINE_PROBE_MS);
  });

  it('says offline with no network, and asks nothing', async () => {
    const h = harness([true]);
    h.setNetwork(false);
    await h.monitor.check();
    expect(h.monitor.state()).toBe('offline');
    expect(h.probes()).toBe(0);
    h.setNetwork(true);
    await h.monitor.check();
    expect(h.monitor.state()).toBe('online');
  });

  it('takes a send with no answer as unreachable, until the server answers again', async () => {
    const h = harness([true, false, true]);
    await h.monitor.check();
    expect(h.monitor.state()).toBe('online');
    h.monitor.noAnswer();
    expect(h.monitor.state()).toBe('unreachable');
    expect(h.timers.at(-1)!.ms).toBeLessThanOrEqual(PROBE_CAP_MS);
    await h.monitor.check();
    await h.monitor.check();
    expect(h.monitor.state()).toBe('online');
    expect(h.reached).toHaveLength(2);
  });
});
