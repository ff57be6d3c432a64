// Starts a server under test in a child process, so that it never shares a heap or an event loop
// with the load generator, and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildMessage, HeapMessage, ParentMessage, ReadyMessage, SystemName } from './protocol.ts';

const SERVERS_DIR = path.join(import.meta.dirname, 'servers');

export interface SystemOptions {
  /** the folder with the store; a fresh temporary one when absent (removed on stop) */
  dataDir?: string;
  /** extra arguments after the data folder */
  args?: string[];
  /** where `node --cpu-prof` writes the child's profile, when profiling */
  cpuProfDir?: string;
}

export interface RunningSystem {
  name: SystemName;
  url: string;
  /** the folder with the system's store, for the bench to read what it holds */
  dataDir: string;
  ready: ReadyMessage;
  heap(): Promise<HeapMessage>;
  /** the CPU time the server has used since it started, in ms */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

function nextMessage<T extends ChildMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<ChildMessage, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the bench server exited (code ${code}) before sending "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export async function startSystem(name: SystemName, options: SystemOptions = {}): Promise<RunningSystem> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `amina-bench-${name}-`));
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const child = fork(path.join(SERVERS_DIR, `${name}.ts`), [dataDir, ...(options.args ?? [])], {
    execArgv,
    // The server's request log goes nowhere; its errors reach the terminal.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const send = (message: ParentMessage) => child.send(message);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await nextMessage(child, 'ready');
  return {
    name,
    url: `http://127.0.0.1:${ready.port}`,
    dataDir,
    ready,
    heap() {
      const answer = nextMessage(child, 'heap');
      send({ type: 'heap' });
      return answer;
    },
    async cpuMs() {
      const answer = nextMessage(child, 'cpu');
      send({ type: 'cpu' });
      return (await answer).cpuMs;
    },
    async stop() {
      if (child.exitCode === null && child.connected) send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the system, runs `measure` against it, and always stops it. */
export async function withSystem<T>(
  name: SystemName,
  options: SystemOptions,
  measure: (system: RunningSystem) => Promise<T>,
): Promise<T> {
  const system = await startSystem(name, options);
  try {
    return await measure(system);
  } finally {
    await system.stop();
  }
}
