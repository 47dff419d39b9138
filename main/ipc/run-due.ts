/**
 * One pass of the scheduler for the OS's own scheduler (cron, Task Scheduler, launchd): start every
 * connector whose schedule is due, wait for them, and sum up. Used by `Ferry --run-due` (the packaged
 * app, headless) through the same RunManager the open app uses.
 */
import type { FerryService } from './service';
import { shownStatus } from '../engine/connectors/run-stop';

export interface RunDueSummary {
  exitCode: number;
  lines: string[];
}

export async function runDueConnectors(svc: FerryService): Promise<RunDueSummary> {
  const started = svc.runs.tick();
  await svc.runs.idle();
  const lines: string[] = [];
  let failed = false;
  for (const id of started) {
    const name = svc.connectors.get(id)?.name ?? `connector ${id}`;
    const r = svc.runs.results.get(id);
    if (!r) { failed = true; lines.push(`${name}: did not run (see the app's history)`); continue; }
    if (r.report?.status === 'failed') failed = true;
    const c = r.report?.counts;
    lines.push(`${name}: ${r.report ? `run ${r.report.runId} ${shownStatus(r.report.status, r.report.stopReason)}, ${c!.imported} imported, ${c!.duplicate} duplicate, ${c!.failed} failed` : 'nothing to do'}${r.deferred ? ` — ${r.message}` : ''}`);
  }
  if (!started.length) lines.push('No connector is due.');
  return { exitCode: failed ? 1 : 0, lines };
}
