// Backup and restore of the embedded store: a consistent copy of a running store, taken with SQLite's
// online backup API, and putting such a copy back where a stopped server will find it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations.ts';

export const STORE_FILE = 'amina.sqlite';

export interface BackupSummary {
  file: string;
  bytes: number;
  reports: number;
  schemaVersion: number;
}

/** What a backup file holds, after SQLite checked every page of it; throws when it is not a sound Amina store. */
export function inspectBackup(file: string): BackupSummary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file} is damaged: ${String(check)}`);
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion < 1 || schemaVersion > SQLITE_MIGRATIONS.length) {
      throw new Error(`${file} is not an Amina store this version can read (schema ${schemaVersion}, expected 1 to ${SQLITE_MIGRATIONS.length})`);
    }
    const { n } = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM reports').get()!;
    return { file, bytes: fs.statSync(file).size, reports: n, schemaVersion };
  } finally {
    db.close();
  }
}

/**
 * Copies the store in `dataDir` to `out` while the server keeps writing. The copy is one consistent
 * moment: all pages are copied in one step of the backup API, inside one read transaction, so a
 * write that commits meanwhile is wholly in the copy or wholly out of it (WAL mode lets the server
 * write on during that step). Every report acknowledged before the backup began is in it.
 */
export async function backupSqlite(dataDir: string, out: string, { overwrite = false } = {}): Promise<BackupSummary> {
  const source = path.join(dataDir, STORE_FILE);
  if (!fs.existsSync(source)) throw new Error(`No store at ${source}: is DATA_DIR right?`);
  if (fs.existsSync(out) && !overwrite) throw new Error(`${out} exists already; give another --out, or --overwrite`);
  const partial = `${out}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    // The first step opens the backup; returning the largest count makes the next one copy every page.
    await db.backup(partial, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  const summary = inspectBackup(partial);
  fs.renameSync(partial, out);
  return { ...summary, file: out };
}

/**
 * Puts a backup in place as the store of `dataDir`, for a server that is not running. Refuses a
 * folder that holds a store already unless `replace` is given: a restore must never be what loses
 * data by accident.
 */
export function restoreSqlite(file: string, dataDir: string, { replace = false } = {}): BackupSummary {
  const summary = inspectBackup(file);
  const target = path.join(dataDir, STORE_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  const existing = [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`].filter((f) => fs.existsSync(path.join(dataDir, f)));
  if (existing.length > 0 && !replace) {
    throw new Error(`${dataDir} holds a store already (${existing.join(', ')}); stop the server and give --replace to overwrite it`);
  }
  for (const f of existing) fs.rmSync(path.join(dataDir, f));
  fs.copyFileSync(file, `${target}.partial`);
  fs.renameSync(`${target}.partial`, target);
  return { ...summary, file: target };
}
