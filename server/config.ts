// The one reader of process.env: everything else receives a Config. The environment is parsed with a
// zod schema, so a bad value stops the start with a message naming the variable and what it must be.
import path from 'node:path';
import { z } from 'zod';

const root = path.resolve(import.meta.dirname, '..');

/** Unset or empty means "the default": a service manager often writes VAR= for "not set". */
const unset = (value: unknown) => (value === '' ? undefined : value);

const wholeNumber = (fallback: number) =>
  z.preprocess(unset, z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more').default(fallback));
const text = (fallback: string) => z.preprocess(unset, z.string().default(fallback));

const Environment = z.object({
  PORT: wholeNumber(8080).pipe(z.number().max(65_535, 'must be a port number, at most 65535')),
  HOST: text('0.0.0.0'),
  DATA_DIR: text('./data'),
  HBM_ADMIN_TOKEN: z.preprocess(unset, z.string().min(16, 'must be at least 16 characters: it is an admin password').optional()),
  DATABASE_URL: z.preprocess(unset, z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string').optional()),
  DATABASE_POOL_SIZE: wholeNumber(10).pipe(z.number().min(1, 'must be at least 1')),
  FOLLOW_INTERVAL_MS: wholeNumber(1000),
  CLIENT_DIR: text(path.join(root, 'dist', 'client')),
  RETICK_INTERVAL_MS: wholeNumber(30_000).pipe(z.number().min(1, 'must be at least 1')),
  BODY_LIMIT_BYTES: wholeNumber(1_048_576),
  LOG_LEVEL: z.preprocess(unset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  CORS_ORIGINS: text(''),
  PUBLIC_URL: z.preprocess(unset, z.url('must be an address such as https://amina.example.org').optional()),
  AUTH_FAILURE_LIMIT: wholeNumber(30),
  AUTH_FAILURE_WINDOW_MS: wholeNumber(15 * 60_000),
  WRITE_LIMIT_PER_TOKEN: wholeNumber(600),
  WRITE_LIMIT_WINDOW_MS: wholeNumber(60_000),
  TRUST_PROXY: text('loopback'),
  CAP_CONTACT: text('Crisis Coordination Centre duty officer, through the Amina dashboard'),
  PHONE_HASH_SECRET: z.preprocess(unset, z.string().min(32, 'must be at least 32 characters: it keys the hashes of phone numbers').optional()),
  SMS_GATEWAY_SECRET: z.preprocess(unset, z.string().min(16, 'must be at least 16 characters: the gateway sends it on every call').optional()),
  SMS_DEFAULT_COUNTRY_CODE: z.preprocess(unset, z.string().regex(/^[1-9]\d{0,2}$/, 'must be a country calling code such as 964').default('964')),
});

/**
 * Express's `trust proxy`: `true`/`false`, a number of hops, or a comma-separated list of addresses,
 * subnets and the names `loopback`, `linklocal`, `uniquelocal`. Only these proxies' X-Forwarded-For
 * is believed about who the client is.
 */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

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
  /** which proxies in front of Amina to believe about the client's address (TRUST_PROXY, Express's syntax) */
  trustProxy: boolean | number | string;
  /** the contact every CAP message names (CAP_CONTACT) */
  capContact: string;
  /**
   * keys the HMAC under which phone numbers are stored (PHONE_HASH_SECRET): a copy of the database
   * alone cannot be searched for a number. Unset: no phone can be registered and SMS is off.
   */
  phoneHashSecret: string | undefined;
  /** what an SMS gateway sends on every call (SMS_GATEWAY_SECRET); unset: every gateway call is 401 */
  smsGatewaySecret: string | undefined;
  /** the country a national sender number (07…) is read in (SMS_DEFAULT_COUNTRY_CODE) */
  smsDefaultCountryCode: string;
}

/** A setting that cannot be used, named: the process prints it and stops before it listens. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: `${issue.message} (got "${String(env[String(issue.path[0])] ?? '')}")`,
      })),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    adminToken: e.HBM_ADMIN_TOKEN,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    followIntervalMs: e.FOLLOW_INTERVAL_MS,
    clientDir: path.resolve(e.CLIENT_DIR),
    fixturesDir: path.join(root, 'fixtures'),
    retickIntervalMs: e.RETICK_INTERVAL_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    publicUrl: e.PUBLIC_URL,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    authFailureWindowMs: e.AUTH_FAILURE_WINDOW_MS,
    writeLimitPerToken: e.WRITE_LIMIT_PER_TOKEN,
    writeLimitWindowMs: e.WRITE_LIMIT_WINDOW_MS,
    trustProxy: trustProxy(e.TRUST_PROXY),
    capContact: e.CAP_CONTACT,
    phoneHashSecret: e.PHONE_HASH_SECRET,
    smsGatewaySecret: e.SMS_GATEWAY_SECRET,
    smsDefaultCountryCode: e.SMS_DEFAULT_COUNTRY_CODE,
  };
}

/** Defaults for tests: a port chosen by the OS, the given data folder, quiet logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ LOG_LEVEL: 'silent' }), port: 0, host: '127.0.0.1', ...overrides };
}
