// Memory: the server's heap per connected dashboard, read in the server process after a full collection.
import { connectDashboards, disconnectAll } from './dashboards.ts';
import type { RunningSystem } from './system.ts';
import { tokensFor } from './workload.ts';

export interface MemoryFigures {
  heapPerSocketBytes: number;
  rssPerSocketBytes: number;
}

export async function measureMemory(system: RunningSystem, sockets: number): Promise<MemoryFigures> {
  const { viewer } = await tokensFor(system);
  // One dashboard first, so that what every connection shares (code paths, caches) is not counted per socket.
  const first = await connectDashboards(system, viewer, 1);
  const before = await system.heap();
  const rest = await connectDashboards(system, viewer, sockets);
  const after = await system.heap();
  disconnectAll([...first, ...rest]);
  return {
    heapPerSocketBytes: (after.heapUsed - before.heapUsed) / sockets,
    rssPerSocketBytes: (after.rss - before.rss) / sockets,
  };
}
