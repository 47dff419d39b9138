/**
 * The per-connector daily cap: at most N items imported per calendar day (local time). A run that
 * reaches the cap stops the way a cancel does — everything processed so far is recorded — and the
 * next run resumes it, so the excess is deferred, never dropped. Imports are counted from the
 * delivery ledger (one per source item, however many mailboxes got a copy).
 */
import type { Db } from '../store/db';
import type { Source } from '../sources/types';
import type { SourceRecord } from '../item';
import type { RunProgress } from '../runs/run';

/** Notices starting with this mark a run the cap stopped. */
export const DEFERRED_NOTICE = 'Daily cap reached';

export function startOfLocalDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

export function startOfNextLocalDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
}

/** Items of this connector's runs delivered today (one per source record, however many mailboxes got a copy). */
export function importedToday(db: Db, connectorId: number, now: Date): number {
  const since = startOfLocalDay(now).toISOString();
  const row = db.prepare<[number, string, string], { n: number }>(`SELECT COUNT(*) AS n FROM (
      SELECT DISTINCT d.run_id, d.seq FROM deliveries d JOIN runs r ON r.id = d.run_id
      WHERE r.connector_id = ? AND (r.finished_at IS NULL OR r.finished_at >= ?) AND d.state = 'delivered' AND d.at >= ?)`)
    .get(connectorId, since, since);
  return row?.n ?? 0;
}

/**
 * Keeps a run within what is left of today's cap. Duplicates (items an earlier run already delivered)
 * do not count, so a connector that re-reads a growing export still reaches its new items.
 *
 * The run engine stops a run only between records, so the guard decides one record ahead: before it
 * hands over a new record it estimates today's imports if every record not yet recorded were imported
 * (recorded outcomes come from the run's progress); when that reaches the cap, this record is the last:
 * it aborts the run (which then ends 'cancelled' after this record, resumable) and hands it over.
 * The estimate never undercounts, so the cap is never exceeded; small batches keep it close.
 */
export class CapGuard {
  /** The cap stopped the run. */
  capped = false;
  private imported = 0;
  private recorded = 0;
  private fresh = 0;

  constructor(private readonly o: {
    /** Imports still allowed today. */
    remaining: number;
    /** Positions a resumed run has already recorded. */
    skip: ReadonlySet<number>;
    /** The resumed run's imported + partial counts and processed records when this session began. */
    importedAtStart: number;
    doneAtStart: number;
    stop: () => void;
  }) {}

  /** Feed it every progress report of the run (with no throttling, so it sees each committed batch). */
  progress(p: RunProgress): void {
    this.imported = p.counts.imported + p.counts.partial - this.o.importedAtStart;
    this.recorded = p.done - this.o.doneAtStart;
  }

  /** The source, passed through under the guard. Positions match the run engine's (every record counts). */
  wrap(source: Source): Source {
    const guard = this;
    return {
      spec: source.spec,
      check: (settings) => source.check(settings),
      async *read(settings, ctx): AsyncGenerator<SourceRecord> {
        let seq = 0;
        for await (const record of source.read(settings, ctx)) {
          if (!guard.o.skip.has(seq)) {
            if (guard.capped) return;
            guard.fresh++;
            const estimate = guard.imported + (guard.fresh - guard.recorded);
            if (estimate >= guard.o.remaining) { guard.capped = true; guard.o.stop(); }
          }
          seq++;
          yield record;
        }
      },
    };
  }
}

/** Batches small enough that the guard's estimate stays close to the truth near the cap. */
export function cappedBatchSize(remaining: number, normal = 2000): number {
  return Math.max(1, Math.min(normal, Math.floor(remaining / 4)));
}
