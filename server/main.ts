// The entry point: reads the configuration, picks the store, listens, and shuts down cleanly.
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openSqliteStore } from './storage/sqlite/sqliteStore.ts';

const config = readConfig();

/** The configuration, or a plain message naming each bad variable and an exit before anything starts. */
function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`Amina cannot start: the configuration is invalid.\n${err.problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}\n`);
    process.exit(1);
  }
}
const store = await openStore();
const app = await createApp({ config, store });

async function openStore() {
  if (config.databaseUrl) {
    const { openPostgresStore } = await import('./storage/postgres/postgresStore.ts');
    return openPostgresStore(config.databaseUrl, { poolSize: config.databasePoolSize });
  }
  return openSqliteStore(config.dataDir);
}

app.httpServer.listen(config.port, config.host, () => {
  const { port } = app.httpServer.address() as AddressInfo;
  const base = config.publicUrl ?? `http://localhost:${port}`;
  app.logger.info({ port, storage: store.kind }, 'Amina is listening');
  if (app.createdAdminToken) {
    // Printed once, to the terminal only (never to the log): the store keeps only its hash.
    process.stdout.write(
      `\nAmina is running. Open the dashboard as admin (this link is shown only once):\n\n  ${base}/#token=${app.createdAdminToken}\n\n`,
    );
  } else {
    process.stdout.write(`\nAmina is running at ${base}/\n\n`);
  }
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.logger.info({ signal }, 'shutting down: finishing requests in flight');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
