// The one reader of process.env: everything else receives a Config.
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** a fixed admin token from the environment; otherwise one is created on the first start */
  adminToken: string | undefined;
  databaseUrl: string | undefined;
  /** PostgreSQL connections per instance (DATABASE_POOL_SIZE) */
  databasePoolSize: number;
  /** with PostgreSQL, how often an instance looks for other instances' writes if no notification came */
  followIntervalMs: number;
  /** the built dashboard; served when present */
  clientDir: string;
  fixturesDir: string;
  /** how often sliding windows and silence are re-evaluated without new reports */
  retickIntervalMs: number;
  /** largest accepted request body */
  bodyLimitBytes: number;
  logLevel: string;
  /** origins allowed by CORS; empty means same origin only */
  corsOrigins: string[];
  /** the address printed for people to open */
  publicUrl: string | undefined;
  /** failed authentications (HTTP or socket handshake) one client address may make per window before 429 */
  authFailureLimit: number;
  authFailureWindowMs: number;
  /** write requests one token may make per window: room for an offline queue's flush, not for a runaway loop */
  writeLimitPerToken: number;
  writeLimitWindowMs: number;
}

const root = path.resolve(import.meta.dirname, '..');

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer('PORT', env.PORT, 8080),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    adminToken: env.HBM_ADMIN_TOKEN || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: integer('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE, 10),
    followIntervalMs: integer('FOLLOW_INTERVAL_MS', env.FOLLOW_INTERVAL_MS, 1000),
    clientDir: path.resolve(env.CLIENT_DIR || path.join(root, 'dist', 'client')),
    fixturesDir: path.join(root, 'fixtures'),
    retickIntervalMs: integer('RETICK_INTERVAL_MS', env.RETICK_INTERVAL_MS, 30_000),
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', env.BODY_LIMIT_BYTES, 1_048_576),
    logLevel: env.LOG_LEVEL || 'info',
    corsOrigins: (env.CORS_ORIGINS || '').split(',').map((s) => s.trim()).filter(Boolean),
    publicUrl: env.PUBLIC_URL || undefined,
    authFailureLimit: integer('AUTH_FAILURE_LIMIT', env.AUTH_FAILURE_LIMIT, 30),
    authFailureWindowMs: integer('AUTH_FAILURE_WINDOW_MS', env.AUTH_FAILURE_WINDOW_MS, 15 * 60_000),
    writeLimitPerToken: integer('WRITE_LIMIT_PER_TOKEN', env.WRITE_LIMIT_PER_TOKEN, 600),
    writeLimitWindowMs: integer('WRITE_LIMIT_WINDOW_MS', env.WRITE_LIMIT_WINDOW_MS, 60_000),
  };
}

/** Defaults for tests: a port chosen by the OS, the given data folder, quiet logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ LOG_LEVEL: 'silent' }), port: 0, host: '127.0.0.1', ...overrides };
}
