/**
 * Google Takeout writes Google Chat times as English prose: `Monday, May 1, 2023 at 2:03:22 PM UTC`
 * (newer exports put a narrow no-break space before PM). Fallbacks: day-month order in English or in the
 * languages of localized accounts (`Montag, 1. Mai 2023 um 14:03:22 UTC`, `lunes, 1 de mayo de 2023, 14:03:22 UTC`),
 * ISO 8601. Anything else is not guessed: the message is a bad record.
 */
import { DateTime } from 'luxon';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function monthIndex(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w));
  return i < 0 ? undefined : i + 1;
}

/** Month names (full and abbreviated, lower case) of the languages Takeout is read in, from Intl. */
const LOCALES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'nb', 'fi', 'pl'];
let localMonths: Map<string, number> | undefined;
function localMonth(word: string): number | undefined {
  if (!localMonths) {
    localMonths = new Map();
    for (const locale of LOCALES) {
      for (const style of ['long', 'short'] as const) {
        const f = new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' });
        for (let i = 0; i < 12; i++) {
          const name = f.format(new Date(Date.UTC(2023, i, 1))).toLowerCase().replace(/\.$/, '');
          if (!localMonths.has(name)) localMonths.set(name, i + 1);
        }
      }
    }
  }
  return localMonths.get(word.toLowerCase().replace(/\.$/, ''));
}

/** `UTC`, `GMT`, `GMT+2`, `UTC-05:30` → minutes east of UTC. Named zones (PDT) are not guessed. */
function offsetOf(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const m = /^(?:UTC|GMT|Z)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/i.exec(zone);
  if (!m) return undefined;
  if (!m[1]) return 0;
  return (Number(m[2]) * 60 + Number(m[3] ?? 0)) * (m[1] === '-' ? -1 : 1);
}

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM|a\.m\.|p\.m\.)?`;
const MDY = new RegExp(String.raw`^(?:[A-Za-z]+,?\s+)?([A-Za-z]+\.?)\s+(\d{1,2}),?\s+(\d{4}),?\s+(?:at\s+)?${TIME}(?:\s+(\S+))?$`, 'i');
/** Weekday, day, month, year, a connective ("at", "um", "à", "alle ore"…), time, zone: any language. */
const DMY = new RegExp(String.raw`^(?:[\p{L}-]+,?\s+)?(\d{1,2})\.?\s+(?:de\s+)?([\p{L}]+\.?)\s+(?:de\s+)?(\d{4}),?\s+(?:[\p{L}]+\s+){0,2}${TIME}(?:\s+(\S+))?$`, 'iu');

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ampm: string | undefined, zone: string | undefined): Date | undefined {
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    const pm = /^p/i.test(ampm);
    h = (h % 12) + (pm ? 12 : 0);
  }
  const offset = offsetOf(zone);
  if (offset === undefined) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const c = new Date(t);
  if (c.getUTCMonth() !== mo - 1 || c.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(t - offset * 60_000);
}

export function parseChatDate(raw: string): Date | undefined {
  // U+202F (narrow no-break space) and U+00A0 appear before AM/PM in newer exports.
  const s = raw.replace(/[\u202f\u00a0\u2009]/g, ' ').replace(/\s+/g, ' ').trim();
  let m = MDY.exec(s);
  if (m) {
    const mo = monthIndex(m[1]!);
    if (mo) return build(Number(m[3]), mo, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), m[7], m[8]);
  }
  m = DMY.exec(s);
  if (m) {
    const mo = localMonth(m[2]!) ?? monthIndex(m[2]!);
    if (mo) return build(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), m[7], m[8]);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const dt = DateTime.fromISO(s, { zone: 'UTC' });
    if (dt.isValid) return dt.toJSDate();
  }
  return undefined;
}
