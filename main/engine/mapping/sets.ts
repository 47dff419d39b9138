/**
 * Versioned mapping sets in SQLite. Saving a checked mapping file makes a new version (or reuses the
 * newest one of the same scope when its rows are identical, so re-running with the same file does
 * not pile up versions); runs record the version they routed with.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { configError } from '../errors';
import type { IdentityKind } from '../item';
import type { MappingCheck, MappingRowError } from './csv';
import { type MappingRow, MappingTable } from './mapping-table';

export interface MappingSetInfo {
  version: number;
  connectorId: number | null;
  label: string;
  fileName: string | null;
  rows: number;
  rejected: MappingRowError[];
  settings: { defaultRegion?: string | null; dateOrder?: string | null };
  createdAt: string;
}

export interface SaveResult {
  set: MappingSetInfo;
  /** True when an identical newest version existed and was reused. */
  reused: boolean;
}

interface RawSet {
  id: number; connector_id: number | null; label: string; file_name: string | null; content_hash: string;
  row_count: number; rejected: string; settings: string; created_at: string;
}

const toInfo = (r: RawSet): MappingSetInfo => ({
  version: r.id, connectorId: r.connector_id, label: r.label, fileName: r.file_name, rows: r.row_count,
  rejected: JSON.parse(r.rejected) as MappingRowError[], settings: JSON.parse(r.settings) as MappingSetInfo['settings'], createdAt: r.created_at,
});

function hashRows(rows: readonly MappingRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(JSON.stringify([r.key, r.aliases, r.mailbox.toLowerCase(), r.validFrom, r.validTo])).update('\n');
  return h.digest('hex');
}

export class MappingSets {
  /** Tables are immutable once saved: cache them by version. */
  private readonly tables = new Map<number, MappingTable>();

  constructor(private readonly db: Db) {}

  /** Stores the good rows of a checked file as a new version. A file with no good row is refused. */
  save(check: Pick<MappingCheck, 'file' | 'rows' | 'errors'> & Partial<Pick<MappingCheck, 'dateOrder' | 'defaultRegion'>>,
    opts: { label?: string; connectorId?: number | null } = {}): SaveResult {
    if (!check.rows.length) {
      throw configError(`${check.file}: no usable mapping row${check.errors.length ? ` (${check.errors.length} rejected; see the errors by line)` : ''}; nothing saved`);
    }
    const connectorId = opts.connectorId ?? null;
    const hash = hashRows(check.rows);
    const newest = this.latestRaw(connectorId);
    if (newest && newest.content_hash === hash) return { set: toInfo(newest), reused: true };
    const settings = { defaultRegion: check.defaultRegion ?? null, dateOrder: check.dateOrder ?? null };
    const id = this.db.transaction(() => {
      const setId = Number(this.db.prepare(`INSERT INTO mapping_sets (connector_id, label, file_name, content_hash, row_count, rejected, settings, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(connectorId, opts.label ?? check.file, check.file, hash, check.rows.length,
        JSON.stringify(check.errors), JSON.stringify(settings), nowIso()).lastInsertRowid);
      const ins = this.db.prepare(`INSERT INTO mapping_rows (set_id, line, external_id, kind, key, aliases, mailbox, valid_from, valid_to)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const r of check.rows) ins.run(setId, r.line, r.externalId, r.kind, r.key, JSON.stringify(r.aliases), r.mailbox, r.validFrom, r.validTo);
      return setId;
    })();
    return { set: this.get(id)!, reused: false };
  }

  get(version: number): MappingSetInfo | undefined {
    const r = this.db.prepare<[number], RawSet>('SELECT * FROM mapping_sets WHERE id = ?').get(version);
    return r && toInfo(r);
  }

  /** The newest version of a scope (app-wide when connectorId is null). */
  latest(connectorId: number | null = null): MappingSetInfo | undefined {
    const r = this.latestRaw(connectorId);
    return r && toInfo(r);
  }

  list(opts: { connectorId?: number | null; limit?: number } = {}): MappingSetInfo[] {
    const rows = opts.connectorId === undefined
      ? this.db.prepare<[number], RawSet>('SELECT * FROM mapping_sets ORDER BY id DESC LIMIT ?').all(opts.limit ?? 1000)
      : this.db.prepare<[number | null, number], RawSet>('SELECT * FROM mapping_sets WHERE connector_id IS ? ORDER BY id DESC LIMIT ?').all(opts.connectorId, opts.limit ?? 1000);
    return rows.map(toInfo);
  }

  rows(version: number): MappingRow[] {
    return this.db.prepare<[number], { line: number; external_id: string; kind: IdentityKind; key: string; aliases: string; mailbox: string; valid_from: string | null; valid_to: string | null }>(
      'SELECT * FROM mapping_rows WHERE set_id = ? ORDER BY line').all(version).map((r) => ({
      line: r.line, externalId: r.external_id, kind: r.kind, key: r.key, aliases: JSON.parse(r.aliases) as string[],
      mailbox: r.mailbox, validFrom: r.valid_from, validTo: r.valid_to,
    }));
  }

  table(version: number): MappingTable {
    let t = this.tables.get(version);
    if (!t) {
      if (!this.get(version)) throw configError(`mapping set version ${version} does not exist`);
      t = new MappingTable(this.rows(version));
      this.tables.set(version, t);
    }
    return t;
  }

  private latestRaw(connectorId: number | null): RawSet | undefined {
    return this.db.prepare<[number | null], RawSet>('SELECT * FROM mapping_sets WHERE connector_id IS ? ORDER BY id DESC LIMIT 1').get(connectorId);
  }
}
