/**
 * Why a run stopped before the end of its export, for reports and the history. The run store has one
 * status, 'cancelled', for both an admin's Cancel and the daily cap, so the cap's reason is derived
 * here: when the cap stops a run, `runConnector` records a notice right after the run ends; a run whose
 * latest session ended 'cancelled' with a cap notice written at or after that end was paused by the
 * cap. A resumed run ends again later, so an earlier session's cap notice no longer counts (a run the
 * cap paused and the next day completed shows as completed; one an admin then cancelled, as cancelled).
 */
import type { Db } from '../store/db';
import type { RunStatus } from '../store/runs';
import { DEFERRED_NOTICE } from './daily-cap';

/** `daily-cap`: the connector's daily cap paused the run; the next run resumes it. */
export type StopReason = 'daily-cap';

/** The status shown for a run the cap paused (the store keeps 'cancelled'). */
export const PAUSED_DAILY_CAP = 'paused-daily-cap';

export interface RunEnd {
  status: RunStatus;
  finishedAt: string | null;
}

export function stopReasonOf(db: Db, runId: number, end: RunEnd): StopReason | null {
  if (end.status !== 'cancelled' || !end.finishedAt) return null;
  const notice = db.prepare<[number, number, string], { at: string }>(
    'SELECT at FROM run_notices WHERE run_id = ? AND substr(message, 1, ?) = ? ORDER BY rowid DESC LIMIT 1')
    .get(runId, DEFERRED_NOTICE.length, DEFERRED_NOTICE);
  return notice && notice.at >= end.finishedAt ? 'daily-cap' : null;
}

/** The run's status as an admin reads it: `paused-daily-cap` instead of `cancelled` when the cap stopped it. */
export function shownStatus(status: RunStatus, stopReason: StopReason | null | undefined): RunStatus | typeof PAUSED_DAILY_CAP {
  return stopReason === 'daily-cap' ? PAUSED_DAILY_CAP : status;
}

/** A report (or run row) with its stop reason, from the store. */
export function withStopReason<R extends RunEnd>(db: Db, runId: number, r: R): R & { stopReason: StopReason | null } {
  return { ...r, stopReason: stopReasonOf(db, runId, r) };
}
