/**
 * Phone numbers as identities (kind `phone`, platform `sms`: mapping compares them in E.164), the
 * phone's owner, and the ids of a format that has none.
 */
import { createHash } from 'node:crypto';
import type { Identity } from '../../item';

export const PLATFORM = 'sms';

/** Android writes absent values as the text `null`. */
export const value = (v: string | undefined): string | undefined => (v === undefined || v === 'null' || v.trim() === '' ? undefined : v);

/** Numbers a network hides (private, unknown, payphone) arrive as `-1`, `-2`, `-3` or empty. */
export function isHidden(number: string | undefined): boolean {
  return !number || /^-\d$/.test(number.trim()) || number.trim() === '';
}

/**
 * A number as an identity. Alphanumeric senders (`AMAZON`, short-code services) and RCS group ids
 * (`group_8@rcs.google.com`) are not phone numbers: they are kept as platform ids, never as E.164.
 */
export function phone(number: string, name?: string): Identity {
  const n = value(name);
  const id = number.trim();
  const kind = /^\+?[0-9][0-9 ().-]*$/.test(id) ? 'phone' : 'user-id';
  return { id, kind, platform: PLATFORM, ...(n && n !== '(Unknown)' ? { name: n } : {}) };
}

/** The owner of the backed-up phone: the `owner` setting, or a stand-in that says the setting is missing. */
export function ownerIdentity(owner: string | undefined, name?: string): Identity {
  if (owner) return phone(owner, name);
  return { id: 'phone-owner', kind: 'user-id', platform: PLATFORM, name: name ?? 'Owner of the backed-up phone' };
}

/**
 * Several numbers in one attribute (`+1555…~+1555…` for a group), with the names SMS Backup & Restore
 * writes comma-separated in the same order, when the counts agree.
 */
export function numbers(address: string | undefined, contactName: string | undefined): Identity[] {
  const list = (address ?? '').split(/[~;]/).map((s) => s.trim()).filter((s) => s && !isHidden(s));
  const names = value(contactName)?.split(/\s*,\s*/) ?? [];
  return list.map((n, i) => phone(n, list.length === 1 ? value(contactName) : names.length === list.length ? names[i] : undefined));
}

/** A stable id from the fields that make a record what it is (the format has no ids). */
export function recordId(kind: string, ...fields: (string | undefined)[]): string {
  const h = createHash('sha256');
  for (const f of fields) h.update(f ?? '').update('\0');
  return `${kind}/${h.digest('hex').slice(0, 32)}`;
}

/** Milliseconds since 1970 as Android writes them. */
export function readMillis(v: string | undefined): Date | undefined {
  if (!v || !/^-?\d{1,15}$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return n > 0 ? new Date(n) : undefined;
}
