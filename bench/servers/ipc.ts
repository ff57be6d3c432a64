// The child's side of the bench protocol: heap readings after a full collection, CPU time, and a clean stop.
import type { ChildMessage, ParentMessage } from '../protocol.ts';

function send(message: ChildMessage): void {
  process.send?.(message);
}

function collectedHeap(): { heapUsed: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the bench starts its servers with --expose-gc; run them through bench/run.ts');
  // Twice: the first pass may only schedule finalisers whose objects the second one frees.
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

export function serveBench(ready: Omit<Extract<ChildMessage, { type: 'ready' }>, 'type'>, stop: () => Promise<void>): void {
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'heap') send({ type: 'heap', ...collectedHeap() });
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', cpuMs: (user + system) / 1000 });
    }
    if (message.type === 'stop') {
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`bench child failed to stop: ${String(err)}\n`);
          process.exit(1);
        },
      );
    }
  });
  // The parent going away (a crash, Ctrl-C) must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', ...ready });
}
