// A consistent copy of the running SQLite store, without stopping ingest:
//
//   npm run backup -- --out /backups/amina-2026-11-28.sqlite [--overwrite]
//
// The store is DATA_DIR's (as the server reads it). With DATABASE_URL set, use PostgreSQL's tools (README).
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { backupSqlite } from '../server/storage/sqlite/backup.ts';
import { runMain, UsageError } from './cli.ts';

runMain(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string' }, overwrite: { type: 'boolean', default: false } } });
  if (!values.out) throw new UsageError('Give --out FILE: where to write the backup.');
  const config = loadConfig();
  if (config.databaseUrl) throw new UsageError('This Amina stores in PostgreSQL (DATABASE_URL): back it up with pg_dump, as the README says.');
  const started = Date.now();
  const summary = await backupSqlite(config.dataDir, values.out, { overwrite: values.overwrite });
  console.log(`Backed up ${summary.reports.toLocaleString('en')} reports (${(summary.bytes / 1e6).toFixed(1)} MB) to ${summary.file} in ${((Date.now() - started) / 1000).toFixed(1)} s; integrity checked.`);
});
