/**
 * Checks a form's values against declared settings (a source's or a destination's): types, choices,
 * required values and defaults. Secret settings are refused here: their values go to the OS keychain,
 * never into a connector's JSON.
 */
import type { SettingSpec } from '../sources/types';
import { configError } from '../errors';

export type SettingValue = string | number | boolean | null;
export type SettingValues = Record<string, SettingValue>;

/** Returns the cleaned values; throws a config error naming the setting and what is wrong. */
export function checkSettingValues(what: string, specs: readonly SettingSpec[], values: SettingValues, opts: { extraKeys?: string[] } = {}): SettingValues {
  const out: SettingValues = {};
  const allowed = new Set([...specs.map((s) => s.key), ...(opts.extraKeys ?? [])]);
  for (const key of Object.keys(values)) {
    if (!allowed.has(key)) throw configError(`${what} has no setting "${key}"; its settings: ${[...allowed].join(', ') || '(none)'}`);
  }
  for (const key of opts.extraKeys ?? []) if (values[key] !== undefined) out[key] = values[key]!;
  for (const s of specs) {
    let v = values[s.key];
    if (typeof v === 'string' && s.type !== 'json') v = v.trim();
    const blank = v === undefined || v === null || v === '';
    if (s.type === 'secret') {
      if (!blank) throw configError(`${what}: ${s.label} is a credential: it is stored in the OS keychain, not in the connector's settings`);
      continue;
    }
    if (blank) {
      if (s.default !== undefined) out[s.key] = s.default;
      else if (s.required) throw configError(`${what}: ${s.label} is required`);
      continue;
    }
    out[s.key] = coerce(what, s, v!);
  }
  return out;
}

function coerce(what: string, s: SettingSpec, v: string | number | boolean): SettingValue {
  const bad = (expected: string) => configError(`${what}: ${s.label} must be ${expected}, got "${String(v)}"`);
  switch (s.type) {
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      if (typeof v === 'boolean' || !Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false|yes|no|1|0)$/i.test(v)) return /^(true|yes|1)$/i.test(v);
      throw bad('true or false');
    case 'select':
      if (typeof v !== 'string' || (s.options && !s.options.some((o) => o.value === v))) throw bad(`one of ${(s.options ?? []).map((o) => o.value).join(', ')}`);
      return v;
    case 'timezone':
      if (typeof v !== 'string' || !isTimeZone(v)) throw bad('an IANA time zone such as Europe/London');
      return v;
    case 'json':
      if (typeof v !== 'string') throw bad('JSON text');
      try { JSON.parse(v); } catch { throw bad('valid JSON'); }
      return v;
    default:
      if (typeof v !== 'string') throw bad('text');
      return v;
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
