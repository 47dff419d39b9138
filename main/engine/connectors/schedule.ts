/**
 * Schedules: a connector with its schedule on runs every N hours (default 24) while the app is open,
 * or when the OS scheduler calls `ferry connector run --due`. The next run is N hours after the start
 * of the last import, or after the connector was saved when it has never run; once the daily cap is
 * used up, not before the next day.
 */
import type { Connector } from './connector-store';
import { startOfNextLocalDay } from './daily-cap';

export interface ScheduleInputs {
  /** Start of the connector's latest import run. */
  lastImportStartedAt: string | null;
  /** Whether today's cap is used up. */
  capReached: boolean;
}

export function nextRunAt(c: Pick<Connector, 'schedule' | 'createdAt' | 'updatedAt'>, s: ScheduleInputs, now: Date): Date | null {
  if (!c.schedule.enabled) return null;
  const base = Date.parse(s.lastImportStartedAt ?? c.updatedAt);
  let next = base + c.schedule.everyHours * 3600_000;
  if (s.capReached) next = Math.max(next, startOfNextLocalDay(now).getTime());
  return new Date(next);
}

export function isDue(c: Pick<Connector, 'schedule' | 'createdAt' | 'updatedAt'>, s: ScheduleInputs, now: Date): boolean {
  const next = nextRunAt(c, s, now);
  return next !== null && next.getTime() <= now.getTime();
}
