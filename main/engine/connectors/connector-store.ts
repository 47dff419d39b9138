/**
 * Connectors: a named source export + destination + schedule, kept in the `connectors` table.
 * `settings` holds JSON of the source settings and the connector's options; `destination` holds the
 * destination config (`{ kind, ...settings }`, what `createDestination` takes). Neither ever holds a
 * secret: credentials live in the OS keychain under names derived from the connector (`credentials.ts`).
 */
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { getSource } from '../sources/registry';
import { configError } from '../errors';
import { type SettingValues, checkSettingValues } from './setting-values';
import { destinationForm } from './destination-forms';

export const DEFAULT_EVERY_HOURS = 24;
export const DEFAULT_DAILY_CAP = 200_000;

export interface Schedule {
  enabled: boolean;
  /** Hours between scheduled runs. */
  everyHours: number;
}

export interface ConnectorDraft {
  id?: number;
  name: string;
  kind: string;
  /** Source settings; `path` is the export. */
  source: SettingValues;
  destination: { kind: string; settings: SettingValues };
  /** Folder per source in each mailbox; default `<Platform> Archive`. */
  folder?: string | null;
  maxItemMb?: number | null;
  oversize?: 'partial' | 'fail' | null;
  schedule?: Schedule;
  /** Items imported per day at most; the excess is deferred to the next run. */
  dailyCap?: number;
}

export interface Connector {
  id: number;
  name: string;
  kind: string;
  source: SettingValues & { path: string };
  destination: { kind: string; settings: SettingValues };
  folder: string | null;
  maxItemMb: number | null;
  oversize: 'partial' | 'fail' | null;
  schedule: Schedule;
  dailyCap: number;
  createdAt: string;
  updatedAt: string;
}

interface StoredSettings {
  source: SettingValues;
  folder?: string | null;
  maxItemMb?: number | null;
  oversize?: 'partial' | 'fail' | null;
  schedule?: Schedule;
  dailyCap?: number;
}

interface Row { id: number; name: string; kind: string; settings: string; destination: string; created_at: string; updated_at: string }

function fromRow(r: Row): Connector {
  const s = JSON.parse(r.settings) as StoredSettings;
  const { kind, ...destSettings } = JSON.parse(r.destination) as { kind: string } & SettingValues;
  return {
    id: r.id, name: r.name, kind: r.kind,
    source: { ...s.source, path: String(s.source.path ?? '') },
    destination: { kind, settings: destSettings },
    folder: s.folder ?? null, maxItemMb: s.maxItemMb ?? null, oversize: s.oversize ?? null,
    schedule: s.schedule ?? { enabled: false, everyHours: DEFAULT_EVERY_HOURS },
    dailyCap: s.dailyCap ?? DEFAULT_DAILY_CAP,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** Checks a draft against its source's and destination's declared settings; returns what is stored. */
export function checkDraft(d: ConnectorDraft): { name: string; kind: string; settings: StoredSettings; destination: { kind: string } & SettingValues } {
  const name = d.name.trim();
  if (!name) throw configError('a connector needs a name');
  if (name.length > 100) throw configError('a connector name has at most 100 characters');
  const spec = getSource(d.kind).spec;
  const pathValue = typeof d.source.path === 'string' ? d.source.path.trim() : '';
  if (!pathValue) throw configError(`connector "${name}": the export to read (path) is required`);
  const source = { ...checkSettingValues(`connector "${name}" (${spec.title})`, spec.settings, d.source, { extraKeys: ['path'] }), path: pathValue };
  const form = destinationForm(d.destination.kind);
  const destSettings = checkSettingValues(`connector "${name}" destination (${form.title})`, form.settings, d.destination.settings);
  const schedule = d.schedule ?? { enabled: false, everyHours: DEFAULT_EVERY_HOURS };
  if (!(schedule.everyHours >= 1 && schedule.everyHours <= 24 * 31)) throw configError(`connector "${name}": the schedule must be every 1 to 744 hours`);
  const dailyCap = d.dailyCap ?? DEFAULT_DAILY_CAP;
  if (!Number.isInteger(dailyCap) || dailyCap < 1) throw configError(`connector "${name}": the daily cap must be a whole number of items, at least 1`);
  if (d.maxItemMb !== undefined && d.maxItemMb !== null && !(d.maxItemMb > 0)) throw configError(`connector "${name}": the largest item size must be a positive number of MB`);
  const folder = d.folder?.trim() || null;
  return {
    name, kind: d.kind,
    settings: { source, folder, maxItemMb: d.maxItemMb ?? null, oversize: d.oversize ?? null, schedule: { enabled: schedule.enabled, everyHours: schedule.everyHours }, dailyCap },
    destination: { ...destSettings, kind: form.kind },
  };
}

export class ConnectorStore {
  constructor(private readonly db: Db) {}

  list(): Connector[] {
    return this.db.prepare<[], Row>('SELECT * FROM connectors ORDER BY name COLLATE NOCASE, id').all().map(fromRow);
  }

  get(id: number): Connector | undefined {
    const r = this.db.prepare<[number], Row>('SELECT * FROM connectors WHERE id = ?').get(id);
    return r && fromRow(r);
  }

  require(id: number): Connector {
    const c = this.get(id);
    if (!c) throw configError(`connector ${id} does not exist`);
    return c;
  }

  byName(name: string): Connector | undefined {
    const r = this.db.prepare<[string], Row>('SELECT * FROM connectors WHERE name = ?').get(name.trim());
    return r && fromRow(r);
  }

  /** Creates (no id) or replaces (id) a connector after checking it. */
  save(d: ConnectorDraft): Connector {
    const c = checkDraft(d);
    const clash = this.byName(c.name);
    if (clash && clash.id !== d.id) throw configError(`a connector named "${c.name}" already exists`);
    const now = nowIso();
    if (d.id === undefined) {
      const id = Number(this.db.prepare(`INSERT INTO connectors (name, kind, settings, destination, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(c.name, c.kind, JSON.stringify(c.settings), JSON.stringify(c.destination), now, now).lastInsertRowid);
      return this.require(id);
    }
    const res = this.db.prepare(`UPDATE connectors SET name = ?, kind = ?, settings = ?, destination = ?, updated_at = ? WHERE id = ?`)
      .run(c.name, c.kind, JSON.stringify(c.settings), JSON.stringify(c.destination), now, d.id);
    if (res.changes === 0) throw configError(`connector ${d.id} does not exist`);
    return this.require(d.id);
  }

  /** Deletes the connector; its runs stay in the history (their connector becomes NULL). */
  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM connectors WHERE id = ?').run(id).changes > 0;
  }
}
