/** A run's status as an admin reads it: a run the daily cap stopped is "Paused: daily cap", not "Cancelled". */
import { StatusBadge } from './bits';

export function RunStatusBadge({ status, stopReason }: { status: string; stopReason?: 'daily-cap' | null | undefined }) {
  if (stopReason !== 'daily-cap') return <StatusBadge status={status} />;
  return <span className="badge badge-deferred" title="The connector's daily cap was reached; the next run resumes this one">Paused: daily cap</span>;
}
