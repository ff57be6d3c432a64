// Builds the dashboard once before the browser tests, so they drive what `npm start` serves.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function buildClient(): void {
  if (process.env.SKIP_CLIENT_BUILD) return;
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
