/**
 * App-wide settings (the `app_settings` key/value table), typed and validated: what a connector
 * uses when it does not set its own. Routing defaults live here; the desktop app's Settings screen
 * reads and writes them through `AppSettings`.
 */
import { z } from 'zod';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { configError } from '../errors';
import { parseRegion } from './identity';
import { readMailbox } from './csv';

const DOMAIN = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}]{2,}$/u;

const domainList = z.array(z.string().transform((d) => d.trim().replace(/^@/, '').toLowerCase())
  .refine((d) => DOMAIN.test(d), { message: 'not a domain name' }));
const mailboxOrNull = z.string().nullable().transform((m, ctx) => {
  if (m === null || m.trim() === '') return null;
  const box = readMailbox(m);
  if (typeof box !== 'string') { ctx.addIssue({ code: 'custom', message: box.error }); return z.NEVER; }
  return box;
});
const regionOrNull = z.string().nullable().transform((r, ctx) => {
  if (r === null || r === '') return null;
  const cc = parseRegion(r);
  if (!cc) { ctx.addIssue({ code: 'custom', message: `unknown region "${r}" (use a two-letter country code such as GB, US, FR, DE, IN)` }); return z.NEVER; }
  return cc;
});
const mappingSetChoice = z.union([z.literal('latest'), z.literal('none'), z.number().int().positive()]);

/** Every setting: its schema and default. Add new keys here. */
const SETTINGS = {
  'routing.orgDomains': { schema: domainList, default: [] as string[] },
  'routing.catchAll': { schema: mailboxOrNull, default: null as string | null },
  'routing.defaultRegion': { schema: regionOrNull, default: null as string | null },
  'routing.requireSenderMapping': { schema: z.boolean(), default: false },
  /** The mapping set routing uses: the newest app-wide one, none, or a fixed version. */
  'routing.mappingSet': { schema: mappingSetChoice, default: 'latest' as 'latest' | 'none' | number },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;

export interface RoutingDefaults {
  orgDomains: string[];
  catchAll: string | null;
  defaultRegion: string | null;
  requireSenderMapping: boolean;
  mappingSet: 'latest' | 'none' | number;
}

export class AppSettings {
  constructor(private readonly db: Db) {}

  static keys(): SettingKey[] {
    return Object.keys(SETTINGS) as SettingKey[];
  }

  get<K extends SettingKey>(key: K): SettingValue<K> {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM app_settings WHERE key = ?').get(key);
    if (!row) return SETTINGS[key].default as SettingValue<K>;
    const parsed = SETTINGS[key].schema.safeParse(JSON.parse(row.value));
    // A value written by another version that no longer validates falls back to the default.
    return (parsed.success ? parsed.data : SETTINGS[key].default) as SettingValue<K>;
  }

  /** Validates and stores a value; a config error names the setting and what is wrong. */
  set<K extends SettingKey>(key: K, value: unknown): SettingValue<K> {
    const parsed = SETTINGS[key].schema.safeParse(value);
    if (!parsed.success) throw configError(`setting ${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    this.db.prepare(`INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).run(key, JSON.stringify(parsed.data), nowIso());
    return parsed.data as SettingValue<K>;
  }

  /** Back to the default. */
  reset(key: SettingKey): void {
    this.db.prepare('DELETE FROM app_settings WHERE key = ?').run(key);
  }

  routingDefaults(): RoutingDefaults {
    return {
      orgDomains: this.get('routing.orgDomains'),
      catchAll: this.get('routing.catchAll'),
      defaultRegion: this.get('routing.defaultRegion'),
      requireSenderMapping: this.get('routing.requireSenderMapping'),
      mappingSet: this.get('routing.mappingSet'),
    };
  }

  /** Saves the given routing defaults in one transaction (all or none). */
  saveRoutingDefaults(patch: Partial<RoutingDefaults>): RoutingDefaults {
    this.db.transaction(() => {
      if (patch.orgDomains !== undefined) this.set('routing.orgDomains', patch.orgDomains);
      if (patch.catchAll !== undefined) this.set('routing.catchAll', patch.catchAll);
      if (patch.defaultRegion !== undefined) this.set('routing.defaultRegion', patch.defaultRegion);
      if (patch.requireSenderMapping !== undefined) this.set('routing.requireSenderMapping', patch.requireSenderMapping);
      if (patch.mappingSet !== undefined) this.set('routing.mappingSet', patch.mappingSet);
    })();
    return this.routingDefaults();
  }
}

/** Validates routing values given on a command line or by a connector, with the same rules as the stored ones. */
export function checkRouting(patch: Partial<RoutingDefaults>): Partial<RoutingDefaults> {
  const out: Partial<RoutingDefaults> = { ...patch };
  const check = <K extends SettingKey>(key: K, v: unknown): SettingValue<K> => {
    const parsed = SETTINGS[key].schema.safeParse(v);
    if (!parsed.success) throw configError(`${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    return parsed.data as SettingValue<K>;
  };
  if (patch.orgDomains !== undefined) out.orgDomains = check('routing.orgDomains', patch.orgDomains);
  if (patch.catchAll !== undefined) out.catchAll = check('routing.catchAll', patch.catchAll);
  if (patch.defaultRegion !== undefined) out.defaultRegion = check('routing.defaultRegion', patch.defaultRegion);
  if (patch.mappingSet !== undefined) out.mappingSet = check('routing.mappingSet', patch.mappingSet);
  return out;
}
