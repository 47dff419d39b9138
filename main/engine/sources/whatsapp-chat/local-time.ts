/**
 * Export timestamps are wall-clock times with no zone; the chat's zone comes from the connector.
 * Around a DST change a wall-clock time can occur twice (autumn) or not at all (spring): the first
 * is resolved with the message order (a chat runs forwards, so after a later instant the second
 * occurrence is meant), the second is shifted forward as clocks were; both are noted on the item.
 */
import { IANAZone } from 'luxon';
import type { WallTime } from './timestamp';

export interface Instant {
  date: Date;
  /** Set when the wall-clock time was ambiguous or skipped by a DST change. */
  note?: string;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A zone's offsets, looked up once per calendar day: luxon's `offset()` formats a date with Intl on
 * every call, far too slow for one call per message. A day whose surroundings (a day either side)
 * share one offset needs no further lookups; a DST day is resolved exactly, message by message.
 */
export class ZoneClock {
  private readonly steady = new Map<number, number | null>();

  constructor(readonly zone: IANAZone) {}

  get name(): string {
    return this.zone.name;
  }

  /** UTC instant for a wall-clock time. `previous` (ms) is the chat's last instant, for repeated hours. */
  toUtc(w: WallTime, previous?: number): Instant {
    const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    const day = Math.floor(naive / DAY);
    let offset = this.steady.get(day);
    if (offset === undefined) {
      const start = day * DAY;
      const seen = new Set([start - DAY, start, start + DAY, start + 2 * DAY].map((t) => this.zone.offset(t)));
      offset = seen.size === 1 ? [...seen][0]! : null;
      this.steady.set(day, offset);
    }
    if (offset !== null) return { date: new Date(naive - offset * 60_000) };
    return wallToUtc(w, this.zone, previous);
  }
}

/** UTC instant for a wall-clock time in `zone`, exactly. `previous` (ms) is the chat's last instant, for repeated hours. */
export function wallToUtc(w: WallTime, zone: IANAZone, previous?: number): Instant {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // The offsets in force a day either side cover every transition a wall time can fall into.
  const offsets = [...new Set([zone.offset(naive - DAY), zone.offset(naive), zone.offset(naive + DAY)])];
  const valid = [...new Set(offsets.map((o) => naive - o * 60_000).filter((t) => zone.offset(t) * 60_000 === naive - t))].sort((x, y) => x - y);
  if (valid.length === 1) return { date: new Date(valid[0]!) };
  if (valid.length > 1) {
    const [early, late] = [valid[0]!, valid[valid.length - 1]!];
    const pick = previous !== undefined && previous > early ? late : early;
    return {
      date: new Date(pick),
      note: `local time occurs twice in ${zone.name} (DST change); read as the ${pick === early ? 'first' : 'second'} occurrence, from the message order`,
    };
  }
  // Skipped by a spring-forward change: read with the offset before the change, i.e. shifted forward.
  const before = zone.offset(naive - DAY);
  return {
    date: new Date(naive - before * 60_000),
    note: `local time does not exist in ${zone.name} (skipped by a DST change); read with the offset before the change`,
  };
}
