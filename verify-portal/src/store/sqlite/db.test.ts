import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupCommit } from './db';

describe('groupCommit', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let other: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pairgate-group-'));
    file = join(dir, 'p.db');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
    other = new Database(file, { readonly: true });
  });
  afterEach(() => {
    other.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const walPages = () => Math.round((statSync(`${file}-wal`).size - 32) / (24 + 4096));
  const rows = () => (other.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

  it('commits the calls of one turn together: 50 rows cost the log what one row does', async () => {
    const insert = db.prepare('INSERT INTO t (id) VALUES (?)');
    const add = groupCommit(db, db.transaction((id: string) => insert.run(id).changes));
    let before = walPages();
    await add('alone');
    const oneCommit = walPages() - before; // the table's page and its key index's page
    expect(oneCommit).toBeGreaterThan(0);
    before = walPages();
    expect(await Promise.all(Array.from({ length: 50 }, (_, i) => add(`a${i}`)))).toEqual(Array(50).fill(1));
    expect(walPages() - before).toBe(oneCommit);
  });

  it('settles a call only once its row is committed, and a failing call fails alone', async () => {
    const insert = db.prepare('INSERT INTO t (id) VALUES (?)');
    const add = groupCommit(db, db.transaction((id: string) => {
      insert.run(`${id}-first`);
      return insert.run(id).changes; // a duplicate id throws after its first row went in
    }));
    const seen: number[] = [];
    const results = await Promise.allSettled(['x', 'y', 'x'].map((id) => add(id).then((v) => (seen.push(rows()), v))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    // Committed before anyone was told; the failed call's first row was undone with it.
    expect(seen).toEqual([4, 4]);
    expect(rows()).toBe(4);
  });
});
