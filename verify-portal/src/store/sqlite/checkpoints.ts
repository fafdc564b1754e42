/**
 * WAL checkpoints off the event loop.
 *
 * In WAL mode every commit appends to the write-ahead log, and a checkpoint copies the log back
 * into the database file. SQLite runs one by itself on whichever connection commits when the log
 * passes `wal_autocheckpoint` pages (1,000): the copying and two fsyncs (3–4 ms each on our
 * disks), on the event loop, every few hundred device authorizations — about half of what an
 * insert cost, and a stall for every request waiting behind it.
 *
 * Here a worker thread with a connection of its own runs `wal_checkpoint(PASSIVE)` every
 * `intervalMs` (PASSIVE never waits for readers or writers, and holds up neither: the process
 * keeps committing while the worker copies and syncs). The main connection's own automatic
 * checkpoint stays as a backstop at `BACKSTOP_PAGES`, far above what the log reaches between
 * two of the worker's rounds; if the worker cannot run at all, SQLite checkpoints as before,
 * only less often.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** The main connection checkpoints by itself only past this many log pages (4 KiB each). */
export const BACKSTOP_PAGES = 10_000;

export interface BackgroundCheckpoints {
  /** Stops the worker and closes its connection (before the main connection closes). */
  stop(): Promise<void>;
}

// CommonJS, evaluated in the worker: better-sqlite3 is loaded by its absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function checkpointInBackground(
  db: Database.Database,
  options: { intervalMs: number; onError(message: string): void },
): BackgroundCheckpoints {
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, filename: db.name, intervalMs: options.intervalMs } });
  let failed = false;
  const fail = (message: string) => {
    if (!failed) options.onError(message);
    failed = true;
  };
  worker.on('message', (m: { error?: string }) => m.error && fail(m.error));
  worker.on('error', (err) => fail(err.message));
  // Never what keeps the process alive (after the listeners: adding a 'message' one refs it
  // again); a failed worker leaves the backstop in charge.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
