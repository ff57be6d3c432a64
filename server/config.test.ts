// The environment is parsed, not trusted: every bad variable is named, and defaults fill the rest.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('fills every default from an empty environment, and treats VAR= as unset', () => {
    const config = loadConfig({ PORT: '', LOG_LEVEL: '' });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', databasePoolSize: 10, logLevel: 'info', corsOrigins: [], adminToken: undefined });
  });

  it('reads what is set', () => {
    const config = loadConfig({ PORT: '9000', CORS_ORIGINS: 'https://a.example, https://b.example', DATABASE_URL: 'postgres://u@h/db', PUBLIC_URL: 'https://amina.example.org' });
    expect(config).toMatchObject({ port: 9000, corsOrigins: ['https://a.example', 'https://b.example'], databaseUrl: 'postgres://u@h/db', publicUrl: 'https://amina.example.org' });
  });

  it.each([
    ['PORT', 'eighty', 'PORT'],
    ['PORT', '70000', 'PORT'],
    ['DATABASE_POOL_SIZE', '0', 'DATABASE_POOL_SIZE'],
    ['RETICK_INTERVAL_MS', '-5', 'RETICK_INTERVAL_MS'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL'],
    ['PUBLIC_URL', 'amina.example.org', 'PUBLIC_URL'],
    ['HBM_ADMIN_TOKEN', 'short', 'HBM_ADMIN_TOKEN'],
  ])('refuses %s=%s, naming the variable', (variable, value, named) => {
    const error = (() => {
      try {
        loadConfig({ [variable]: value });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([named]);
    expect((error as ConfigError).message).toContain(`"${value}"`);
  });
});
