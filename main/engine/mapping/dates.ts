/**
 * Validity dates in mapping files: ISO dates (`2024-03-01`, with or without a time), and the
 * day/month forms spreadsheets write (`01/03/2024`, `3/1/2024`, `01.03.2024`). Whether `03/04/2024`
 * is 3 April or 4 March cannot be told from one cell; the file's other dates usually tell (a file
 * is written in one locale), otherwise the cell is reported as ambiguous. Dates are UTC: a valid-from
 * date starts at 00:00 UTC, a valid-to date ends at 23:59:59.999 UTC (inclusive).
 */
import { DateTime } from 'luxon';

export type DateOrder = 'dmy' | 'mdy';
export type Bound = 'from' | 'to';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** d/m/y or m/d/y with `/`, `-` or `.`, two- or four-digit year, an optional time that is ignored. */
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$/i;

export interface SlashDate {
  a: number;
  b: number;
  year: number;
  separator: string;
}

export function readNumericDate(s: string): SlashDate | null {
  const m = NUMERIC.exec(s.trim());
  if (!m) return null;
  const y = Number(m[4]);
  return { a: Number(m[1]), b: Number(m[3]), separator: m[2]!, year: m[4]!.length === 2 ? 2000 + y : y };
}

/** What one date cell says about the file's day/month order. Dots are the German/European form: always d.m.y. */
export function orderEvidence(d: SlashDate): DateOrder | null {
  if (d.separator === '.') return 'dmy';
  if (d.a > 12 && d.b <= 12) return 'dmy';
  if (d.b > 12 && d.a <= 12) return 'mdy';
  return null;
}

function bounded(d: DateTime, bound: Bound): Date {
  return (bound === 'from' ? d.startOf('day') : d.endOf('day')).toJSDate();
}

/**
 * A validity date, or a string saying why it cannot be read. `order` settles the ambiguous
 * day/month cells (from the file's other dates, or the caller's setting).
 */
export function parseValidityDate(raw: string, bound: Bound, order?: DateOrder | null): Date | string {
  const s = raw.trim();
  if (ISO_DATE.test(s)) {
    const d = DateTime.fromISO(s, { zone: 'utc' });
    return d.isValid ? bounded(d, bound) : `"${s}" is not a real date`;
  }
  if (ISO_DATE_TIME.test(s)) {
    const d = DateTime.fromISO(s.replace(' ', 'T'), { zone: 'utc' });
    return d.isValid ? d.toJSDate() : `"${s}" is not a real date and time`;
  }
  const n = readNumericDate(s);
  if (!n) return `"${s}" is not a date (write it as YYYY-MM-DD)`;
  const evidence = orderEvidence(n);
  const used = evidence ?? (n.a === n.b ? 'dmy' : order ?? null);
  if (!used) {
    return `"${s}" is ambiguous: it could be ${describe(n, 'dmy')} or ${describe(n, 'mdy')}; write it as YYYY-MM-DD`;
  }
  if (evidence && order && evidence !== order && n.separator !== '.') {
    return `"${s}" can only be ${used === 'dmy' ? 'day/month' : 'month/day'}, but the file's dates are ${order === 'dmy' ? 'day/month' : 'month/day'}; write it as YYYY-MM-DD`;
  }
  const [day, month] = used === 'dmy' ? [n.a, n.b] : [n.b, n.a];
  const d = DateTime.utc(n.year, month, day);
  return d.isValid ? bounded(d, bound) : `"${s}" is not a real date`;
}

function describe(n: SlashDate, order: DateOrder): string {
  const [day, month] = order === 'dmy' ? [n.a, n.b] : [n.b, n.a];
  const d = DateTime.utc(n.year, month, day);
  return d.isValid ? d.toISODate()! : 'an impossible date';
}

/** The date for messages: `2024-03-01`, or the instant when it has a time of day. */
export function formatBound(d: Date, bound: Bound): string {
  const iso = d.toISOString();
  const dayEdge = bound === 'from' ? iso.endsWith('T00:00:00.000Z') : iso.endsWith('T23:59:59.999Z');
  return dayEdge ? iso.slice(0, 10) : iso;
}
