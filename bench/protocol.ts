// Messages between the bench (the load generator) and each server it starts in a child process.

/** The child is listening, or (for a start-up run) has rebuilt its picture. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** how long the child took to build its app, from opening the store to the picture being ready */
  startMs: number;
  /** reports the child found in its store on start */
  reports: number;
}

/** The child's heap after a full collection, in answer to a `heap` request. */
export interface HeapMessage {
  type: 'heap';
  heapUsed: number;
  rss: number;
}

/**
 * The CPU time the child has used so far (user and system, all its threads), in answer to `cpu`. Set
 * beside a figure it says how much work each request cost, which the machine's load moves far less
 * than it moves requests per second.
 */
export interface CpuMessage {
  type: 'cpu';
  cpuMs: number;
}

export type ChildMessage = ReadyMessage | HeapMessage | CpuMessage;

export type ParentMessage = { type: 'heap' } | { type: 'cpu' } | { type: 'stop' };

/** The admin token both children accept, so that the bench can issue the tokens it needs. */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-that-is-long-enough-0123456789';

export type SystemName = 'amina' | 'baseline';
