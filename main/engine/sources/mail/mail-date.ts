/**
 * The Date header of a message → a Date, or undefined when the value is not a date.
 * Hand-written on purpose: `new Date()` accepts nearly anything (`"hello 1"` is 1 Jan 2001) and
 * mailparser replaces an unreadable Date with *now*; an archive must never invent when a message
 * was sent. Accepts RFC 5322 dates with their obsolete forms (no day name, 2- or 3-digit years,
 * no seconds, named and military zones, comments) and, as some tools write it, ISO 8601 with a zone.
 */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december'];

/** `Aug`, `August`, `Sept`: a name of 3 letters or more that begins a month's name. */
function monthIndex(word: string): number | undefined {
  const w = word.toLowerCase();
  const i = MONTHS.findIndex((m) => m.startsWith(w));
  return i < 0 ? undefined : i;
}

/** Offsets in minutes east of UTC: RFC 5322's obsolete zones plus abbreviations common in real mail. */
const NAMED_ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  bst: 60, cet: 60, cest: 120, met: 60, mest: 120, eet: 120, eest: 180, wet: 0, west: 60,
  msk: 180, jst: 540, kst: 540, hkt: 480, sgt: 480, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};

const RFC5322 = /^(?:[a-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([a-z]{3,9})\.?[\s-]+(\d{2,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{4}|[a-z]{1,5}))?$/i;
const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;

function zoneOffset(zone: string | undefined): number | undefined {
  // RFC 5322 4.3: no zone, `-0000` and military letters carry no zone information: read as UTC.
  if (!zone) return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3]);
    if (Number(numeric[3]) > 59 || minutes > 14 * 60 + 59) return undefined;
    return numeric[1] === '-' ? -minutes : minutes;
  }
  const named = NAMED_ZONES[zone.toLowerCase()];
  if (named !== undefined) return named;
  if (/^[a-ik-z]$/i.test(zone)) return 0;
  return undefined;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, offset: number): Date | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const local = new Date(Date.UTC(y, mo, d, h, mi, Math.min(s, 59)));
  local.setUTCFullYear(y); // Date.UTC maps years 0–99 to 1900–1999
  if (local.getUTCDate() !== d) return undefined; // 31 Feb and the like
  return new Date(local.getTime() - offset * 60_000);
}

export function parseMailDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  // Comments like `(CEST)` or `(UTC)`; nesting is rare enough to ignore.
  const s = value.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const r = RFC5322.exec(s);
  if (r) {
    const month = monthIndex(r[2]!);
    const offset = zoneOffset(r[7]);
    if (month === undefined || offset === undefined) return undefined;
    let year = Number(r[3]);
    if (r[3]!.length === 2) year += year < 50 ? 2000 : 1900;
    else if (r[3]!.length === 3) year += 1900;
    return build(year, month, Number(r[1]), Number(r[4]), Number(r[5]), Number(r[6] ?? 0), offset);
  }
  const iso = ISO8601.exec(s);
  if (iso) {
    const offset = zoneOffset(iso[7]!.toUpperCase() === 'Z' ? 'Z' : iso[7]!);
    if (offset === undefined) return undefined;
    return build(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6] ?? 0), offset);
  }
  return undefined;
}
