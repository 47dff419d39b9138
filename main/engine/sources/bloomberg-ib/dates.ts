/**
 * Bloomberg writes each time twice: `<DateTimeUTC>` (seconds since 1970) and `<DateTime>` (local wall
 * clock, `MM/DD/YYYY HH:MM:SS`, no zone). The UTC seconds are the truth; the local time is read in
 * the connector's time zone only when it is all there is.
 */
import { DateTime, IANAZone } from 'luxon';
import { type XNode, field } from './xml-records';

export const isValidZone = (zone: string) => IANAZone.isValidZone(zone);

export type BbgDate = { date: Date; fromLocal: boolean } | { error: string } | 'absent';

const LOCAL_FORMATS = ['MM/dd/yyyy HH:mm:ss', 'M/d/yyyy H:mm:ss', 'MM/dd/yyyy HH:mm', 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm:ss.SSS'];

export function readLocal(text: string, zone: string): Date | undefined {
  const t = text.trim();
  for (const f of LOCAL_FORMATS) {
    const dt = DateTime.fromFormat(t, f, { zone });
    if (dt.isValid) return dt.toJSDate();
  }
  const iso = DateTime.fromISO(t, { zone });
  return iso.isValid ? iso.toJSDate() : undefined;
}

/** `<prefix>UTC` (epoch seconds, or milliseconds when 13 digits), else `<prefix>` local, else `<prefix>Time…` variants. */
export function readBbgDate(n: XNode | undefined, utcNames: string[], localNames: string[], zone: string): BbgDate {
  const utc = field(n, ...utcNames);
  if (utc !== undefined) {
    if (/^\d{1,11}$/.test(utc)) return { date: new Date(Number(utc) * 1000), fromLocal: false };
    if (/^\d{12,13}$/.test(utc)) return { date: new Date(Number(utc)), fromLocal: false };
  }
  const local = field(n, ...localNames);
  if (local === undefined) return utc !== undefined ? { error: `${utcNames[0]} "${utc}" is not a number of seconds` } : 'absent';
  const d = readLocal(local, zone);
  if (!d) {
    const badUtc = utc !== undefined ? `${utcNames[0]} "${utc}" is not a number of seconds and ` : '';
    return { error: `${badUtc}${localNames[0]} "${local}" is not a date (expected MM/DD/YYYY HH:MM:SS)` };
  }
  return { date: d, fromLocal: true };
}

/** The time of one event (`<DateTimeUTC>` / `<DateTime>`). */
export const eventDate = (n: XNode, zone: string) => readBbgDate(n, ['DateTimeUTC'], ['DateTime'], zone);
