/**
 * Text helpers for archive records: Twitter's dates, its HTML-escaped texts, t.co links, client names.
 */
import { DateTime } from 'luxon';

/**
 * Tweets carry `Wed Oct 10 20:19:24 +0000 2018`; DMs and accounts ISO 8601. The weekday is ignored
 * (the rest fixes the instant). Returns undefined for anything else.
 */
export function parseTwitterDate(raw: unknown): Date | undefined {
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  const s = raw.trim();
  const classic = /^(?:[A-Za-z]{3} )?([A-Za-z]{3} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4})$/.exec(s);
  let dt: DateTime | undefined;
  if (classic) dt = DateTime.fromFormat(classic[1]!, 'MMM d HH:mm:ss ZZZ yyyy', { locale: 'en-US', setZone: true });
  // The 2012-2018 "classic" archive wrote `2018-10-10 20:19:24 +0000`.
  else if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$/.test(s)) dt = DateTime.fromFormat(s, 'yyyy-MM-dd HH:mm:ss ZZZ', { setZone: true });
  // Twitter writes ISO times in UTC (`Z`); one without a zone is taken as UTC too.
  else if (/^\d{4}-\d{2}-\d{2}T/.test(s)) dt = DateTime.fromISO(s, { zone: 'utc' });
  if (!dt?.isValid) return undefined;
  return dt.toJSDate();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * Twitter HTML-escapes tweet texts (`&amp;`, `&lt;`, `&gt;`, sometimes `&quot;`). One pass, so
 * `&amp;lt;` becomes `&lt;` and not `<`. Unknown entities are left as written.
 */
export function decodeEntities(s: string): string {
  return s.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});/g, (whole, name: string) => {
    if (name[0] === '#') {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : whole;
    }
    return NAMED[name] ?? whole;
  });
}

/** Replaces each t.co link that has an expansion; a t.co link without one stays as it is. */
export function expandLinks(text: string, expansions: ReadonlyMap<string, string>): string {
  if (!expansions.size) return text;
  return text.replace(/https?:\/\/t\.co\/[A-Za-z0-9]+/g, (u) => expansions.get(u) ?? expansions.get(u.replace(/^http:/, 'https:')) ?? u);
}

/** `<a href="…" rel="nofollow">Twitter Web App</a>` → `Twitter Web App`. */
export function clientName(source: unknown): string | undefined {
  if (typeof source !== 'string' || !source.trim()) return undefined;
  const inner = /<a\b[^>]*>([\s\S]*?)<\/a>/i.exec(source);
  const name = decodeEntities((inner ? inner[1]! : source).replace(/<[^>]*>/g, '')).trim();
  return name || undefined;
}

/** A one-line subject from a text: whitespace collapsed, cut at a word boundary near `max`. */
export function shortSubject(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat); // code points, so an emoji is never cut in half
  if (chars.length <= max) return flat;
  const head = chars.slice(0, max - 1).join('');
  const space = head.lastIndexOf(' ');
  return `${space > head.length / 2 ? head.slice(0, space) : head}…`;
}

/** A string field, or a number written as one (the archive quotes most numbers, not all). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Object fields of a JSON value, or an empty object. */
export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Last path segment of a URL, without query or fragment: the name Twitter gives a media file in the archive. */
export function urlBasename(u: string): string {
  const noQuery = u.split(/[?#]/)[0] ?? '';
  return noQuery.slice(noQuery.lastIndexOf('/') + 1);
}

export function formatCount(n: string | undefined): string | undefined {
  if (n === undefined) return undefined;
  const v = Number(n);
  return Number.isFinite(v) ? v.toLocaleString('en-US') : n;
}
