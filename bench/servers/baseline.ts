// The simplest thing that could do Amina's job, to measure Amina against: Express 5 inserting into
// better-sqlite3 with the same durability and the same reports table, and a bare Socket.IO io.emit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { Server } from 'socket.io';
import { serveBench } from './ipc.ts';

const dataDir = process.argv[2] ?? '';
const mode = process.argv[3] ?? 'serve';
if (!dataDir) throw new Error('usage: baseline.ts <data dir> [serve|replay]');

/**
 * The floor of any rebuild: read every stored report of Amina's file in log order and parse it,
 * nothing more. Amina's start-up is compared with this.
 */
function replay(): { startMs: number; reports: number } {
  const started = performance.now();
  const db = new Database(path.join(dataDir, 'amina.sqlite'), { readonly: true });
  let reports = 0;
  for (const row of db.prepare<[], { content: string }>('SELECT content FROM reports ORDER BY seq').iterate()) {
    JSON.parse(row.content);
    reports++;
  }
  db.close();
  return { startMs: performance.now() - started, reports };
}

function serve() {
  const db = new Database(path.join(dataDir, 'baseline.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The same table and indexes as Amina's log, so that both pay the same for storage.
  db.exec(`CREATE TABLE IF NOT EXISTS reports (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     site_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     observed_ms INTEGER NOT NULL,
     received_at TEXT NOT NULL,
     exercise INTEGER NOT NULL DEFAULT 0,
     content TEXT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS reports_by_observed ON reports (observed_ms);
   CREATE INDEX IF NOT EXISTS reports_by_site ON reports (site_id, kind, observed_ms);`);
  const insert = db.prepare(
    `INSERT INTO reports (id, site_id, kind, observed_ms, received_at, content)
     VALUES (@id, @siteId, @kind, @observedMs, @receivedAt, @content)`,
  );

  const app = express();
  const httpServer = http.createServer(app);
  const io = new Server(httpServer, { serveClient: false });
  app.post('/api/reports', express.json(), (req, res) => {
    const report = req.body as { id: string; siteId: string; kind: string; observedAt: string };
    insert.run({
      id: report.id,
      siteId: report.siteId,
      kind: report.kind,
      observedMs: Date.parse(report.observedAt),
      receivedAt: new Date().toISOString(),
      content: JSON.stringify(report),
    });
    io.emit('update', report);
    res.status(201).json({ accepted: [report.id], duplicate: [] });
  });
  return { httpServer, io, db };
}

if (mode === 'replay') {
  serveBench({ port: 0, ...replay() }, async () => undefined);
} else {
  const { httpServer, io, db } = serve();
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  serveBench({ port, startMs: 0, reports: 0 }, async () => {
    io.local.disconnectSockets(true);
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    db.close();
  });
}
