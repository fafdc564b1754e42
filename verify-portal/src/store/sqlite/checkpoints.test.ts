import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKSTOP_PAGES, checkpointInBackground } from './checkpoints';

const portalDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('checkpointInBackground', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pairgate-ckpt-'));
    file = join(dir, 'p.db');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Rows in the database file itself, without its write-ahead log: what a checkpoint has copied back. */
  function rowsInDatabaseFile(): number {
    const copy = join(dir, `copy-${Math.random()}.db`);
    copyFileSync(file, copy);
    const reader = new Database(copy, { readonly: true });
    try {
      return (reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    } finally {
      reader.close();
    }
  }

  it('copies committed writes into the database file from a worker, the writer never checkpointing itself', async () => {
    const checkpoints = checkpointInBackground(db, { intervalMs: 20, onError: (m) => expect.fail(m) });
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < 100; i++) insert.run(`row ${i}`);
      // 100 small commits are far below any automatic checkpoint: only the worker moves them.
      await vi.waitFor(() => expect(rowsInDatabaseFile()).toBe(100), { timeout: 10_000, interval: 20 });
    } finally {
      await checkpoints.stop();
    }
  });

  it('never keeps the process alive: a process that leaves its database open still exits', async () => {
    const script = `
      import Database from 'better-sqlite3';
      import { checkpointInBackground } from './src/store/sqlite/checkpoints.ts';
      const db = new Database(${JSON.stringify(file)});
      checkpointInBackground(db, { intervalMs: 20, onError: () => {} });
      db.prepare('INSERT INTO t (v) VALUES (1)').run();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: portalDir, stdio: 'ignore' });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('tells once when the worker cannot checkpoint, and stops cleanly', async () => {
    const errors: string[] = [];
    rmSync(dir, { recursive: true, force: true }); // the file is gone: the worker cannot open it
    const checkpoints = checkpointInBackground(db, { intervalMs: 20, onError: (m) => errors.push(m) });
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 10_000, interval: 20 });
    await checkpoints.stop();
    expect(errors).toHaveLength(1);
  });
});
