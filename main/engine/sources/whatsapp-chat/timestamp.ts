/**
 * The timestamp that starts every message line of a WhatsApp "Export chat" file, in all the layouts
 * phones write: Android `dd/mm/yy, HH:MM - `, iOS `[dd.mm.yy, HH:MM:SS] `, 12-hour clocks with `AM`,
 * `a. m.` or a narrow no-break space before them, 4-digit years first or last, `- . /` separators.
 * Lines are matched here; which of the first two fields is the day is decided per layout by
 * `date-order.ts`, because the line alone often cannot tell.
 */

/** Where the year is: a 4-digit year marks its own place; 2-digit years are last unless told otherwise. */
export type YearPlace = 'first4' | 'last4' | 'short';
/** How the first three numbers read: day-month-year, month-day-year, year-month-day. */
export type DateOrder = 'dmy' | 'mdy' | 'ymd';

/** What makes two lines the same layout (one phone, one locale). Order is decided per shape. */
export interface LayoutShape {
  bracket: boolean;
  sep: string;
  yearPlace: YearPlace;
  comma: boolean;
  seconds: boolean;
  clock12: boolean;
  /** What follows the time: ` - ` (Android), `]` (iOS), `:` (old iOS), or a bare space. */
  end: '-' | ']' | ':' | ' ';
}

export interface StampLine {
  shape: LayoutShape;
  /** Stable key of the shape, for counting per layout. */
  key: string;
  /** The three date numbers as written, in order, and their digit counts. */
  fields: [number, number, number];
  widths: [number, number, number];
  hour: number;
  minute: number;
  second?: number;
  /** `am` or `pm` when the clock is 12-hour; `ampmText` keeps how it was written (`a. m.`). */
  ampm?: 'am' | 'pm';
  ampmText?: string;
  hourWidth: number;
  /** The timestamp exactly as written, without the marks and brackets around it. */
  raw: string;
  /** What follows the timestamp: `Name: text` or a system line. */
  rest: string;
}

/** Directional marks WhatsApp puts around numbers and before its own text; never part of content. */
export const BIDI_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LEADING_MARKS = /^[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/;

const SP = '[ \\u00a0\\u202f]';
const STAMP = new RegExp(
  '^(?<open>\\[)?' +
  '(?<a>\\d{1,4})(?<sep>[./-])(?<b>\\d{1,2})\\k<sep>(?<c>\\d{1,4})\\.?' +
  `(?<comma>,${SP}*|${SP}+)` +
  '(?<h>\\d{1,2}):(?<mi>\\d{2})(?::(?<s>\\d{2}))?' +
  `(?:${SP}*(?<ap>[aApP]\\.?${SP}?[mM]\\.?))?` +
  `(?<end>\\]${SP}?|${SP}[-\\u2013]${SP}|:${SP}|${SP})`,
);

/** Matches a message's first line; undefined for continuation lines. Checks shape, not calendar validity. */
export function matchStamp(line: string): StampLine | undefined {
  const text = line.replace(LEADING_MARKS, '');
  const m = STAMP.exec(text);
  if (!m?.groups) return undefined;
  const g = m.groups as Record<string, string | undefined>;
  const bracket = g.open === '[';
  const endChar = g.end!.trim().charAt(0);
  const end: LayoutShape['end'] = endChar === ']' ? ']' : endChar === ':' ? ':' : endChar === '' ? ' ' : '-';
  if (bracket !== (end === ']')) return undefined;
  // A bare space after the time is only taken as a timestamp when it has seconds: a shorter
  // pattern would split ordinary message lines that start with a date.
  if (end === ' ' && g.s === undefined) return undefined;
  const a = g.a!, b = g.b!, c = g.c!;
  if (a.length === 3 || c.length === 3 || (a.length === 4 && c.length === 4)) return undefined;
  const yearPlace: YearPlace = a.length === 4 ? 'first4' : c.length === 4 ? 'last4' : 'short';
  const shape: LayoutShape = {
    bracket, sep: g.sep!, yearPlace, comma: g.comma!.startsWith(','), seconds: g.s !== undefined,
    clock12: g.ap !== undefined, end,
  };
  const ap = g.ap?.toLowerCase().startsWith('p') ? 'pm' : g.ap ? 'am' : undefined;
  const rawEnd = bracket ? m[0].lastIndexOf(']') : m[0].length - g.end!.length;
  return {
    shape,
    key: `${bracket ? '[' : ''}${shape.sep}${yearPlace}${shape.comma ? ',' : ''}${shape.seconds ? 's' : ''}${shape.clock12 ? '12' : '24'}${end}`,
    fields: [Number(a), Number(b), Number(c)],
    widths: [a.length, b.length, c.length],
    hour: Number(g.h), minute: Number(g.mi),
    ...(g.s !== undefined ? { second: Number(g.s) } : {}),
    ...(ap ? { ampm: ap, ampmText: g.ap! } : {}),
    hourWidth: g.h!.length,
    raw: m[0].slice(bracket ? 1 : 0, rawEnd).trim(),
    rest: text.slice(m[0].length),
  };
}

export interface WallTime {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
}

/** Year, month, day under an order, or undefined when the fields cannot be that order. */
export function ymdOf(line: StampLine, order: DateOrder): { year: number; month: number; day: number } | undefined {
  const [a, b, c] = line.fields;
  let y: number, mo: number, d: number;
  if (line.shape.yearPlace === 'first4' || order === 'ymd') [y, mo, d] = [a, b, c];
  else if (order === 'dmy') [d, mo, y] = [a, b, c];
  else [mo, d, y] = [a, b, c];
  if (line.shape.yearPlace === 'short' && y < 100) y += 2000; // WhatsApp exists since 2009
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return { year: y, month: mo, day: d };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The wall-clock time, or a reason why the time of day is impossible. */
export function clockOf(line: StampLine): { hour: number; minute: number; second: number } | string {
  let h = line.hour;
  if (line.ampm) {
    if (h > 12) return `hour ${h} with ${line.ampmText}`;
    if (line.ampm === 'pm' && h < 12) h += 12;
    if (line.ampm === 'am' && h === 12) h = 0;
  }
  if (h > 23) return `hour ${h}`;
  if (line.minute > 59) return `minute ${line.minute}`;
  if ((line.second ?? 0) > 59) return `second ${line.second}`;
  return { hour: h, minute: line.minute, second: line.second ?? 0 };
}

/** `2020-06-20T15:58:47` (seconds only when the export has them): the local time as the export wrote it. */
export function localIso(w: WallTime, seconds: boolean): string {
  const p = (n: number, l = 2) => String(n).padStart(l, '0');
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}${seconds ? `:${p(w.second)}` : ''}`;
}

/** A layout for people: `dd/mm/yy, HH:MM -`, `[dd.mm.yy, HH:MM:SS]`, `mm/dd/yyyy, hh:mm a. m. -`. */
export function describeLayout(shape: LayoutShape, order: DateOrder | undefined, padded: { date: boolean; hour: boolean }, ampmText?: string): string {
  const dd = padded.date ? 'dd' : 'd';
  const mm = padded.date ? 'mm' : 'm';
  const yy = shape.yearPlace === 'short' ? 'yy' : 'yyyy';
  const s = shape.sep;
  const date = shape.yearPlace === 'first4' || order === 'ymd' ? `${yy}${s}mm${s}dd`
    : order === 'dmy' ? `${dd}${s}${mm}${s}${yy}`
    : order === 'mdy' ? `${mm}${s}${dd}${s}${yy}`
    : `??${s}??${s}${yy}`;
  const hh = shape.clock12 ? (padded.hour ? 'hh' : 'h') : (padded.hour ? 'HH' : 'H');
  const time = `${hh}:${shape.clock12 ? 'mm' : 'MM'}${shape.seconds ? (shape.clock12 ? ':ss' : ':SS') : ''}${shape.clock12 ? ` ${ampmStyle(ampmText)}` : ''}`;
  const stamp = `${date}${shape.comma ? ',' : ''} ${time}`;
  if (shape.bracket) return `[${stamp}]`;
  if (shape.end === '-') return `${stamp} -`;
  if (shape.end === ':') return `${stamp}:`;
  return stamp;
}

function ampmStyle(text: string | undefined): string {
  if (!text) return 'AM';
  const t = text.replace(/[\u00a0\u202f]/g, ' ');
  if (t.includes('.')) return t.includes(' ') ? 'a. m.' : 'a.m.';
  return t === t.toUpperCase() ? 'AM' : 'am';
}
