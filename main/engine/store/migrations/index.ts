/**
 * Numbered, transactional migrations (Signal Desktop style): each runs in its own transaction and
 * bumps `PRAGMA user_version`; a failure leaves the database at the previous version.
 */
import type Database from 'better-sqlite3';
import { migration001 } from './001-foundation';
import { migration002 } from './002-mapping';
import { migration003 } from './003-ledger-key-hash';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const migrations: Migration[] = [migration001, migration002, migration003];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database.Database, upTo = Infinity): number {
  const current = schemaVersion(db);
  const latest = migrations[migrations.length - 1]!.version;
  if (current > latest) {
    throw new Error(`the data folder was written by a newer Ferry (schema ${current}, this one knows ${latest}); update Ferry`);
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
