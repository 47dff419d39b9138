/**
 * Identities in comparable form, so a mapping row and an item's participant meet on one key:
 * phone numbers in E.164 (libphonenumber-js, with a default region for national numbers), email
 * addresses lower-cased, handles without `@` lower-cased, platform user ids exactly as written.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Identity, IdentityKind } from '../item';
import { looksLikeEmail } from '../convert/addresses';

export type Region = CountryCode;

export const IDENTITY_KINDS: readonly IdentityKind[] = ['email', 'handle', 'phone', 'user-id'];

/** A two-letter region code libphonenumber knows (`GB`, `US`, `FR`, `DE`, `IN`…), upper-cased. */
export function parseRegion(raw: string): Region | null {
  const cc = raw.trim().toUpperCase();
  return isSupportedCountry(cc) ? cc : null;
}

/** Spreadsheet and typographic noise: non-breaking and thin spaces, `="…"` text guards, `tel:` links. */
export function cleanCell(raw: string): string {
  let s = raw.normalize('NFKC').replace(/[\u00a0\u2007\u202f\u200b\u200e\u200f\ufeff]/g, ' ').trim();
  const guarded = /^="(.*)"$/.exec(s);
  if (guarded) s = guarded[1]!.trim();
  return s;
}

const PHONE_CHARS = /^\+?[\d\s().\-/]+$/;

export interface PhoneResult {
  e164: string;
  /** In a numbering plan's assigned ranges (not just the right length). */
  valid: boolean;
}

/**
 * E.164 form of a phone number written any usual way: `+44 (0)20 7946 0958`, `0044 20…`,
 * `(415) 555-2671`, `06.12.34.56.78`, `030/1234567`. National numbers need the default region.
 * Null when the text is not a possible phone number.
 */
export function normalisePhone(raw: string, region?: Region | null): PhoneResult | null {
  let s = cleanCell(raw).replace(/^tel:/i, '');
  if (!PHONE_CHARS.test(s) || !/\d/.test(s)) return null;
  // `00` is the international prefix almost everywhere; libphonenumber reads it only for some regions.
  s = s.replace(/^\s*00\s*(?=[1-9])/, '+');
  const p = parsePhoneNumberFromString(s, region ?? undefined);
  if (!p || !p.isPossible()) return null;
  return { e164: p.number, valid: p.isValid() };
}

export const normaliseEmail = (s: string) => cleanCell(s).toLowerCase();
export const normaliseHandle = (s: string) => cleanCell(s).replace(/^@+/, '').toLowerCase();
export const normaliseUserId = (s: string) => cleanCell(s);

/** The lookup key of one identity value of a known kind: `phone:+447911123456`, `handle:bob`. */
/**
 * keyFor is pure, and a bulk import asks it about the same few people on every item: libphonenumber's
 * parse and NFKC normalisation run once per distinct identity. Bounded.
 */
const keys = new Map<string, string>();
const KEY_CACHE_MAX = 50_000;

export function keyFor(kind: IdentityKind, raw: string, region?: Region | null): string {
  const ck = `${kind}\u0000${region ?? ''}\u0000${raw}`;
  let k = keys.get(ck);
  if (k === undefined) {
    if (keys.size >= KEY_CACHE_MAX) keys.clear();
    k = computeKey(kind, raw, region);
    keys.set(ck, k);
  }
  return k;
}

function computeKey(kind: IdentityKind, raw: string, region?: Region | null): string {
  switch (kind) {
    case 'phone': return `phone:${normalisePhone(raw, region)?.e164 ?? cleanCell(raw)}`;
    case 'email': return `email:${normaliseEmail(raw)}`;
    case 'handle': return `handle:${normaliseHandle(raw)}`;
    case 'user-id': return `user-id:${normaliseUserId(raw)}`;
  }
}

/**
 * The keys an item's participant is looked up by, most specific first: its own id by kind, then
 * the person's email address when the source knows it (Slack and Mattermost profiles).
 */
export function lookupKeys(identity: Identity, region?: Region | null): string[] {
  const keys = [keyFor(identity.kind, identity.id, region)];
  if (identity.email && looksLikeEmail(identity.email)) {
    const k = keyFor('email', identity.email);
    if (!keys.includes(k)) keys.push(k);
  }
  return keys;
}

/**
 * The key an identity is listed under in the unmapped queue. Handles and user ids belong to one
 * platform (`@bob` on Twitter is not `@bob` on Telegram), so theirs carry it; phones and emails do not.
 */
export function queueKey(identity: Identity, region?: Region | null): string {
  const k = keyFor(identity.kind, identity.id, region);
  if (identity.kind === 'handle' || identity.kind === 'user-id') {
    const colon = k.indexOf(':');
    return `${k.slice(0, colon)}:${identity.platform.toLowerCase()}:${k.slice(colon + 1)}`;
  }
  return k;
}

/** The kind and value of a queue key (`handle:twitter:bob` → handle, twitter, bob). */
export function splitQueueKey(key: string): { kind: IdentityKind; platform?: string; value: string } | null {
  const colon = key.indexOf(':');
  if (colon < 0) return null;
  const kind = key.slice(0, colon) as IdentityKind;
  if (!IDENTITY_KINDS.includes(kind)) return null;
  const rest = key.slice(colon + 1);
  if (kind === 'handle' || kind === 'user-id') {
    const c2 = rest.indexOf(':');
    if (c2 < 0) return null;
    return { kind, platform: rest.slice(0, c2), value: rest.slice(c2 + 1) };
  }
  return { kind, value: rest };
}

/** How a mapping file's external id reads, when no kind column says. */
export interface ExternalId {
  kind: IdentityKind;
  /** The key it is looked up by. */
  key: string;
  /**
   * Weaker readings of the same text: `U1ABC` is a user id and may also be a handle written without
   * `@`; `2244994945` is a valid US number and may also be a Twitter user id. Used only when no row
   * has the key itself, and only when every row with the alias agrees.
   */
  aliases: string[];
}

const HANDLE_TEXT = /^[\p{L}\p{N}_.-]+$/u;
/** A phone number as people format one: a leading +, a 00 prefix, or separators between digits. */
const PHONE_FORMATTED = /^(\+|00)|\d[\s().\-/]+\d/;

/** Reads a mapping file's id cell. A string error says why it cannot be used. */
export function readExternalId(raw: string, region: Region | null, kindHint?: IdentityKind): ExternalId | string {
  const s = cleanCell(raw);
  if (!s) return 'the external user id is empty';
  if (kindHint) {
    if (kindHint === 'email' && !looksLikeEmail(s)) return `"${s}" is not an email address`;
    if (kindHint === 'phone') {
      const p = phoneOrReason(s, region);
      return typeof p === 'string' ? p : { kind: 'phone', key: `phone:${p.e164}`, aliases: [] };
    }
    if (kindHint === 'handle' && !HANDLE_TEXT.test(s.replace(/^@+/, ''))) return `"${s}" is not a handle`;
    return { kind: kindHint, key: keyFor(kindHint, s, region), aliases: [] };
  }
  if (s.includes('@') && !s.startsWith('@')) {
    return looksLikeEmail(s) ? { kind: 'email', key: keyFor('email', s), aliases: [] } : `"${s}" is not an email address`;
  }
  if (s.startsWith('@')) {
    return HANDLE_TEXT.test(s.slice(1)) ? { kind: 'handle', key: keyFor('handle', s), aliases: [] } : `"${s}" is not a handle`;
  }
  if (/^\d(\.\d+)?E\+\d+$/i.test(s)) {
    return `"${s}" is a number in scientific notation (a spreadsheet turned the phone number or id into a number and lost digits); format the column as text and export again`;
  }
  if (PHONE_CHARS.test(s) && PHONE_FORMATTED.test(s)) {
    const p = phoneOrReason(s, region);
    return typeof p === 'string' ? p : { kind: 'phone', key: `phone:${p.e164}`, aliases: [] };
  }
  if (/^\d+$/.test(s)) {
    // Bare digits: a phone number when it is a valid one, else a platform user id (Twitter, Discord).
    const p = normalisePhone(s, region);
    return p?.valid
      ? { kind: 'phone', key: `phone:${p.e164}`, aliases: [keyFor('user-id', s)] }
      : { kind: 'user-id', key: keyFor('user-id', s), aliases: [] };
  }
  return { kind: 'user-id', key: keyFor('user-id', s), aliases: HANDLE_TEXT.test(s) ? [keyFor('handle', s)] : [] };
}

function phoneOrReason(s: string, region: Region | null): PhoneResult | string {
  const p = normalisePhone(s, region);
  if (p) return p;
  const national = !/^(\+|00)/.test(s.trim());
  return national && !region
    ? `"${s}" is not a phone number in international form (+country code), and no default region is set to read national numbers`
    : `"${s}" is not a valid phone number${national && region ? ` for region ${region}` : ''}`;
}
