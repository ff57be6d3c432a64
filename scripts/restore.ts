// Puts a backup back as the SQLite store, for a server that is stopped:
//
//   npm run restore -- /backups/amina-2026-11-28.sqlite [--replace]
//
// Refuses a DATA_DIR that holds a store already, unless --replace is given.
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { restoreSqlite } from '../server/storage/sqlite/backup.ts';
import { runMain, theOneFile, UsageError } from './cli.ts';

runMain(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { replace: { type: 'boolean', default: false } } });
  const file = theOneFile(positionals, 'Give the backup file: npm run restore -- FILE [--replace]');
  const config = loadConfig();
  if (config.databaseUrl) throw new UsageError('This Amina stores in PostgreSQL (DATABASE_URL): restore with pg_restore, as the README says.');
  const summary = restoreSqlite(file, config.dataDir, { replace: values.replace });
  console.log(`Restored ${summary.reports.toLocaleString('en')} reports into ${summary.file}; start the server to serve them.`);
});
