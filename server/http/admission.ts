// Admission for large writes: a reconnect storm's batches take turns, so that a single report (a
// phone that was never offline, a coordinator's correction) is not queued behind all of them.

export interface Admission {
  /** Runs `task` once fewer than the limit are running; tasks wait their turn in arrival order. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * Node shares its one thread among every request in progress: when 500 phones flush 40 reports each
 * at once, each of the 500 parses, checks and stores a little in turn, and everything, a probe report
 * included, is answered only when nearly all of the storm is (4 s of 4.5 in the bench, bench/README.md).
 * With `limit` batches at a time, the others wait (their bodies read, nothing else done), the group
 * commit still gets several batches per sync, and a small post goes straight through.
 */
export function createAdmission(limit: number): Admission {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return {
    async run(task) {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
