// Fan-out: from the moment a report is posted to the moment each connected dashboard has its update.
import { connectDashboards, disconnectAll } from './dashboards.ts';
import { percentile } from './stats.ts';
import type { RunningSystem } from './system.ts';
import { postReport, tokensFor } from './workload.ts';

export interface FanoutOptions {
  dashboards: number;
  /** measured posts, one at a time */
  posts: number;
  /** posts before the measured ones, discarded */
  warmupPosts: number;
}

export interface FanoutFigures {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  samples: number;
  /** updates that never came within the wait: should be 0 */
  missed: number;
}

/** An update later than this counts as missed: the goal is 250 ms at p99, so this is far past it. */
const UPDATE_WAIT_MS = 5_000;

export async function measureFanout(system: RunningSystem, options: FanoutOptions): Promise<FanoutFigures> {
  const tokens = await tokensFor(system);
  const sockets = await connectDashboards(system, tokens.viewer, options.dashboards);
  const samples: number[] = [];
  let missed = 0;
  try {
    // Posts go one at a time, and the next waits until every dashboard has this one's update,
    // so each update is known to answer the post before it.
    let postedAt = 0;
    let received = new Set<number>();
    let allReceived: () => void = () => undefined;
    let recording = false;
    sockets.forEach((socket, index) => {
      socket.on('update', () => {
        if (received.has(index)) return;
        received.add(index);
        if (recording) samples.push(performance.now() - postedAt);
        if (received.size === sockets.length) allReceived();
      });
    });

    for (let i = 0; i < options.warmupPosts + options.posts; i++) {
      recording = i >= options.warmupPosts;
      received = new Set();
      const everyone = new Promise<boolean>((resolve) => {
        allReceived = () => resolve(true);
        setTimeout(() => resolve(false), UPDATE_WAIT_MS).unref();
      });
      postedAt = performance.now();
      await postReport(system, tokens.reporter);
      if (!(await everyone) && recording) missed += sockets.length - received.size;
    }
  } finally {
    disconnectAll(sockets);
  }
  return {
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    p99Ms: percentile(samples, 99),
    samples: samples.length,
    missed,
  };
}
