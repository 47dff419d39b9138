/** Human-readable renderings of reports and tables for the terminal. */
import type { RunReport } from '../engine/runs/run';
import type { RunRow } from '../engine/store/runs';
import { type StopReason, shownStatus } from '../engine/connectors/run-stop';

type WithStop = { stopReason?: StopReason | null };

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function table(rows: (string | number)[][], header: string[]): string {
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (typeof rows[0]?.[i] === 'number' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function formatReport(r: RunReport & WithStop, opts: { maxFailures?: number } = {}): string {
  const c = r.counts;
  const lines = [
    `Run ${r.runId} — ${r.mode === 'preview' ? 'preview' : 'import'} of ${r.kind} ${r.input}`,
    `  destination ${r.destination}; ${shownStatus(r.status, r.stopReason)}${r.resumed ? ' (resumed)' : ''}${r.error ? `: ${r.error}` : ''} in ${formatDuration(r.elapsedMs)}`,
    `  available ${c.available}  ${r.mode === 'preview' ? 'ready' : 'imported'} ${c.imported}  partial ${c.partial}  duplicate ${c.duplicate}  failed ${c.failed}  unmapped ${c.unmapped}`,
  ];
  const max = opts.maxFailures ?? 20;
  if (r.failures.length) {
    lines.push(`  failures:`);
    for (const f of r.failures.slice(0, max)) lines.push(`    - ${f.reason}`);
    const more = r.failures.length - Math.min(max, r.failures.length) + r.failuresOmitted;
    if (more > 0) lines.push(`    … and ${more} more: ferry run ${r.runId} --status failed`);
  }
  for (const n of r.notices) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

export function formatRuns(runs: (RunRow & WithStop & { counts: RunReport['counts'] })[]): string {
  if (!runs.length) return 'No runs yet.';
  return table(runs.map((r) => [r.id, r.startedAt.replace('T', ' ').slice(0, 19), r.mode, r.kind, shownStatus(r.status, r.stopReason),
    r.counts.available, r.counts.imported, r.counts.partial, r.counts.duplicate, r.counts.failed, r.counts.unmapped, r.input]),
  ['run', 'started (UTC)', 'mode', 'kind', 'status', 'available', 'imported', 'partial', 'duplicate', 'failed', 'unmapped', 'input']);
}
