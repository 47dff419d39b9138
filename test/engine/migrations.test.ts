import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion } from '../../main/engine/store/migrations';
import { openDatabase } from '../../main/engine/store/db';
import { tempDir } from '../helpers/engine';

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('are numbered 1, 2, 3… without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('001 creates the foundation tables and the full-text index', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toBe(1);
    expect(tables(db)).toEqual(expect.arrayContaining(['archive_copies', 'connectors', 'deliveries', 'messages', 'messages_fts', 'run_items', 'run_notices', 'runs']));
    // The index really is FTS5 with diacritics folded.
    db.prepare("INSERT INTO messages_fts (rowid, sender, recipients, subject, body, message_class) VALUES (1, 'a', 'b', 'Crème brûlée', '', 'IPM.NOTE.X.Y')").run();
    expect(db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'creme'").all()).toEqual([{ rowid: 1 }]);
    // Secrets have nowhere to go: the connectors table holds settings only.
    const cols = (db.prepare('PRAGMA table_info(connectors)').all() as { name: string }[]).map((c) => c.name);
    expect(cols.some((c) => /secret|password|token/i.test(c))).toBe(false);
  });

  it('run in a transaction: a failing migration leaves the previous version intact', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    const broken = { version: 99, name: 'broken', up: (d: Database.Database) => { d.exec('CREATE TABLE half_done (x)'); throw new Error('boom'); } };
    migrations.push(broken);
    try {
      expect(() => migrate(db)).toThrow('boom');
    } finally {
      migrations.pop();
    }
    expect(tables(db)).not.toContain('half_done');
    expect(schemaVersion(db)).toBe(migrations[migrations.length - 1]!.version);
  });

  it('refuses a data folder written by a newer Ferry', () => {
    const file = path.join(tempDir(), 'ferry.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer Ferry \(schema 999/);
  });

  it('opens in WAL mode with foreign keys on', () => {
    const db = openDatabase(path.join(tempDir(), 'ferry.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});
