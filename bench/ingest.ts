// Ingest: POST /api/reports with fresh ids over concurrent connections, measured by autocannon.
import autocannon from 'autocannon';
import type { RunningSystem } from './system.ts';
import { freshArrivalsReport, tokensFor } from './workload.ts';

export interface IngestOptions {
  connections: number;
  durationS: number;
  /** a short run first, discarded, so that the measured one meets JIT-compiled code */
  warmupS: number;
}

export interface IngestFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** the server's CPU time per request answered 201, in µs */
  cpuPerRequestUs: number;
}

async function fire(system: RunningSystem, token: string, connections: number, durationS: number) {
  const result = await autocannon({
    url: system.url,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: '/api/reports',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: freshArrivalsReport() }),
      },
    ],
  });
  const created = result.statusCodeStats['201']?.count ?? 0;
  if (result.non2xx > 0 || result.errors > 0 || created === 0) {
    throw new Error(
      `${system.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load (${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  return { result, created };
}

export async function measureIngest(system: RunningSystem, options: IngestOptions): Promise<IngestFigures> {
  const { reporter } = await tokensFor(system);
  if (options.warmupS > 0) await fire(system, reporter, options.connections, options.warmupS);
  const cpuBefore = await system.cpuMs();
  const { result, created } = await fire(system, reporter, options.connections, options.durationS);
  const cpuMs = (await system.cpuMs()) - cpuBefore;
  return {
    cpuPerRequestUs: (cpuMs * 1000) / created,
    requestsPerSecond: created / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: created,
  };
}
