/**
 * Dates of admin-mapped files: ISO 8601, Unix epoch (seconds or milliseconds), or a luxon format
 * (`dd/MM/yyyy HH:mm`) read as wall-clock time in the mapping's IANA zone.
 */
import { DateTime, IANAZone } from 'luxon';

export const EPOCH_FORMATS = ['epoch-seconds', 'epoch-ms'] as const;
export const NAMED_FORMATS = ['iso', ...EPOCH_FORMATS] as const;

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export const isEpochFormat = (format: string) => (EPOCH_FORMATS as readonly string[]).includes(format);

/**
 * A luxon format is usable when a known date written with it reads back as that date: this catches
 * misspelt tokens (`yyy`), formats without a year, month or day, and free text.
 */
export function formatProblem(format: string): string | null {
  if ((NAMED_FORMATS as readonly string[]).includes(format)) return null;
  if (!format.trim()) return 'is empty';
  const sample = DateTime.fromObject({ year: 2001, month: 2, day: 3, hour: 16, minute: 5, second: 6, millisecond: 789 }, { zone: 'UTC' });
  let written: string;
  try {
    written = sample.toFormat(format);
  } catch (err) {
    return `cannot be used (${(err as Error).message})`;
  }
  const back = DateTime.fromFormat(written, format, { zone: 'UTC' });
  if (!back.isValid) return `does not read back what it writes (${back.invalidExplanation ?? back.invalidReason})`;
  if (back.year !== 2001 || back.month !== 2 || back.day !== 3 || ![0, 16].includes(back.hour) || ![0, 5].includes(back.minute)) {
    return `is not a complete date format: it must hold a year, a month and a day (luxon tokens such as yyyy, MM, dd, HH, mm, ss; e.g. "dd/MM/yyyy HH:mm"); 3 February 2001 16:05 would be written "${written}"`;
  }
  return null;
}

export interface ParsedDate {
  date: Date;
  /** Set when the wall-clock time was ambiguous or skipped by a DST change. */
  note?: string;
}

/** Whether a luxon format reads an offset or zone from the text itself. */
const hasZoneToken = (format: string) => /(^|[^'])(Z|z)/.test(format.replace(/'[^']*'/g, ''));
const ISO_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** luxon builds a parser (regexes) per call of fromFormat; one per format is enough. */
const parsers = new Map<string, ReturnType<typeof DateTime.buildFormatParser>>();
function parserFor(format: string) {
  let p = parsers.get(format);
  if (!p) { p = DateTime.buildFormatParser(format); parsers.set(format, p); }
  return p;
}

/**
 * A zone's UTC offsets, looked up per quarter hour and kept: luxon formats a date with Intl for every
 * offset it needs, which made zone conversion most of the read time. Transitions fall on quarter hours.
 */
class OffsetCache {
  private readonly zone: IANAZone;
  private readonly cache = new Map<number, number>();
  constructor(name: string) { this.zone = IANAZone.create(name); }
  at(ts: number): number {
    const q = Math.floor(ts / 900_000);
    let o = this.cache.get(q);
    if (o === undefined) {
      if (this.cache.size > 200_000) this.cache.clear();
      o = this.zone.offset(q * 900_000);
      this.cache.set(q, o);
    }
    return o;
  }
}
const offsetCaches = new Map<string, OffsetCache>();

/** Wall-clock milliseconds (as if UTC) to the instant in `zone`, or undefined near a DST change (the exact path decides). */
function fastZoneToUtc(wallMs: number, zone: string): number | undefined {
  let c = offsetCaches.get(zone);
  if (!c) { c = new OffsetCache(zone); offsetCaches.set(zone, c); }
  const guess = wallMs - c.at(wallMs) * 60_000;
  const before = c.at(guess - 3 * 3_600_000);
  if (before !== c.at(guess + 3 * 3_600_000)) return undefined;
  return wallMs - before * 60_000;
}

/** Parses one value; returns the reason when it cannot. */
export function parseMappedDate(raw: string, format: string, zone: string): ParsedDate | { error: string } {
  const value = raw.trim();
  if (!value) return { error: 'the date is empty' };
  if (isEpochFormat(format)) {
    if (!/^-?\d+(\.\d+)?$/.test(value)) return { error: `"${value}" is not a number of ${format === 'epoch-ms' ? 'milliseconds' : 'seconds'} since 1970` };
    const ms = format === 'epoch-ms' ? Number(value) : Number(value) * 1000;
    const date = new Date(ms);
    if (Number.isNaN(date.getTime())) return { error: `"${value}" is out of range` };
    return { date };
  }
  // Fast path: wall-clock text read as UTC, then moved into the zone with cached offsets.
  if (format === 'iso' ? !ISO_OFFSET.test(value) : !hasZoneToken(format)) {
    const wall = format === 'iso' ? DateTime.fromISO(value, { zone: 'UTC' }) : DateTime.fromFormatParser(value, parserFor(format), { zone: 'UTC' });
    if (wall.isValid) {
      const ms = fastZoneToUtc(wall.toMillis(), zone);
      if (ms !== undefined) return { date: new Date(ms) };
    }
  }
  return exactMappedDate(value, format, zone);
}

/** luxon's own conversion, with notes for times that a DST change makes ambiguous or skips. */
function exactMappedDate(value: string, format: string, zone: string): ParsedDate | { error: string } {
  const dt = format === 'iso' ? DateTime.fromISO(value, { zone, setZone: true }) : DateTime.fromFormat(value, format, { zone, setZone: true });
  if (!dt.isValid) {
    return { error: `"${value}" does not match the date format ${format === 'iso' ? 'ISO 8601' : `"${format}"`} (${dt.invalidExplanation ?? dt.invalidReason})` };
  }
  const out: ParsedDate = { date: dt.toJSDate() };
  // Only wall-clock values (no offset in the text) can fall on a DST change; say how they were read.
  if (dt.zoneName === zone && dt.zone.type === 'iana') {
    const offsets = dt.getPossibleOffsets();
    if (offsets.length > 1) out.note = `"${value}" occurs twice in ${zone} (clocks went back); read as UTC${dt.toFormat('ZZ')}`;
    else {
      // luxon moves a time that the zone skipped forward; the same text read in UTC shows the wall clock written.
      const written = format === 'iso' ? DateTime.fromISO(value, { zone: 'UTC' }) : DateTime.fromFormat(value, format, { zone: 'UTC' });
      const wall = 'yyyyMMddHHmmss';
      if (written.isValid && written.toFormat(wall) !== dt.toFormat(wall)) {
        out.note = `"${value}" does not exist in ${zone} (clocks went forward); read as ${dt.toFormat('yyyy-MM-dd HH:mm:ss ZZ')}`;
      }
    }
  }
  return out;
}
