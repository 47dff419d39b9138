/**
 * DiscordChatExporter writes ISO 8601 times with the exporting machine's offset
 * (`2026-06-24T19:12:33.463+07:00`, sometimes 7 fraction digits). The offset makes them exact; a time
 * without one (hand-made files) is read as UTC and said so.
 */
import { DateTime } from 'luxon';

export type Timestamp = { date: Date; noOffset: boolean } | { error: string };

const OFFSET = /(Z|[+-]\d\d(:?\d\d)?)$/i;

export function readTimestamp(v: unknown, field: string): Timestamp {
  if (typeof v !== 'string' || !v.trim()) return { error: v === undefined || v === null ? `message has no ${field}` : `${field} ${JSON.stringify(v)} is not a date` };
  const s = v.trim();
  const dt = DateTime.fromISO(s, { zone: 'UTC', setZone: true });
  if (!dt.isValid) return { error: `${field} "${s}" is not an ISO 8601 date (${dt.invalidExplanation ?? dt.invalidReason ?? 'unreadable'})` };
  return { date: dt.toJSDate(), noOffset: !OFFSET.test(s) };
}
