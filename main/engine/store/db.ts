/**
 * The store: one SQLite file (better-sqlite3, WAL) per data folder, holding connectors, runs,
 * outcomes, the delivery ledger and the local archive. One file, so an archived message and its
 * outcome commit in one transaction (SQLite does not make a transaction atomic across attached
 * WAL databases).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { configError } from '../errors';
import { migrate } from './migrations';

export type Db = Database.Database;

export const STORE_FILE = 'ferry.db';

export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a committed outcome survives a power cut as well as a killed process.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  migrate(db);
  return db;
}

export function openStore(dataDir: string): Db {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw configError(`data folder ${dataDir} cannot be created (${(err as Error).message})`, err);
  }
  return openDatabase(path.join(dataDir, STORE_FILE));
}

export const nowIso = () => new Date().toISOString();
