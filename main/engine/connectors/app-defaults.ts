/**
 * The destination new connectors start with (Settings → Default destination), kept in the
 * `app_settings` table beside the routing defaults. Never holds a secret: destination settings only.
 */
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { destinationForm } from './destination-forms';
import { type SettingValues, checkSettingValues } from './setting-values';

const KEY = 'connectors.defaultDestination';

export interface DefaultDestination {
  kind: string;
  settings: SettingValues;
}

export function readDefaultDestination(db: Db): DefaultDestination {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM app_settings WHERE key = ?').get(KEY);
  if (row) {
    try {
      const v = JSON.parse(row.value) as DefaultDestination;
      destinationForm(v.kind);
      return v;
    } catch {
      // Written by a version that knew another destination: fall back to the local archive.
    }
  }
  return { kind: 'archive', settings: {} };
}

export function saveDefaultDestination(db: Db, d: DefaultDestination): DefaultDestination {
  const form = destinationForm(d.kind);
  const v = { kind: form.kind, settings: checkSettingValues(`default destination (${form.title})`, form.settings, d.settings) };
  db.prepare(`INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).run(KEY, JSON.stringify(v), nowIso());
  return v;
}
