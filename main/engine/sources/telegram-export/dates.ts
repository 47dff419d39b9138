/**
 * Telegram Desktop writes `date` as local time without an offset (the exporting machine's zone) and,
 * since 2021, `date_unixtime` (seconds, as a string). The unix time is the truth; `date` is read in
 * the connector's time zone only when it is all there is.
 */
import { DateTime, IANAZone } from 'luxon';

export type ParsedDate = { date: Date; fromLocal: boolean } | { error: string };

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function fromUnix(v: unknown): Date | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!/^\d{1,12}$/.test(s)) return undefined;
  return new Date(Number(s) * 1000);
}

/** Reads `<field>_unixtime`, else `<field>` in `zone`. `absent` when neither is there. */
export function readDate(record: Record<string, unknown>, field: string, zone: string): ParsedDate | 'absent' {
  const unix = record[`${field}_unixtime`];
  const local = record[field];
  const hasUnix = unix !== undefined && unix !== null;
  if (hasUnix) {
    const d = fromUnix(unix);
    if (d) return { date: d, fromLocal: false };
  }
  const badUnix = `${field}_unixtime ${JSON.stringify(unix)} is not a number of seconds`;
  if (local === undefined || local === null || local === '') return hasUnix ? { error: badUnix } : 'absent';
  if (typeof local !== 'string') return { error: `${field} ${JSON.stringify(local)} is not a date` };
  // An explicit offset in the text wins; otherwise the text is wall-clock time in `zone`.
  const dt = DateTime.fromISO(local.trim(), { zone });
  if (!dt.isValid) return { error: `${field} "${local}" is not a date (${dt.invalidExplanation ?? dt.invalidReason ?? 'unreadable'})` };
  return { date: dt.toJSDate(), fromLocal: true };
}
