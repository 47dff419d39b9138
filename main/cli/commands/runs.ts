/** `ferry runs`, `ferry run <id>`: the import history and a run's per-item log. */
import type { Command } from 'commander';
import Papa from 'papaparse';
import { CliContext, withGlobals } from '../context';
import { formatReport, formatRuns, table } from '../format';
import { configError } from '../../engine/errors';
import type { ItemStatus } from '../../engine/store/runs';
import { withStopReason } from '../../engine/connectors/run-stop';

const STATUSES: ItemStatus[] = ['imported', 'partial', 'duplicate', 'failed'];

export const RUN_LOG_COLUMNS = ['run', 'seq', 'status', 'reason', 'item_id', 'message_id', 'subject', 'item_date', 'unmapped', 'origin', 'mailboxes', 'destination_ids'];

export function registerRuns(program: Command): void {
  withGlobals(program.command('runs').description('the import history, newest first'))
    .option('--limit <n>', 'how many runs', '50')
    .action((f: { limit: string }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const engine = ctx.open();
      const runs = engine.runs.list({ limit: Number(f.limit) || 50 }).map((r) => ({ ...withStopReason(engine.db, r.id, r), counts: engine.runs.counts(r.id) }));
      ctx.print(() => formatRuns(runs), runs);
    });

  withGlobals(program.command('run <id>').description("a run's report and its per-item log"))
    .option('--csv', 'print the per-item log as CSV')
    .option('--status <status>', `only items with this outcome: ${STATUSES.join(', ')}`)
    .option('--limit <n>', 'items to list (default 50; all with --csv)')
    .action((id: string, f: { csv?: boolean; status?: string; limit?: string }, cmd: Command) => {
      const ctx = CliContext.of(cmd);
      const runId = Number(id);
      if (!Number.isInteger(runId) || runId <= 0) throw configError(`run id must be a positive number, got "${id}"`);
      if (f.status && !STATUSES.includes(f.status as ItemStatus)) throw configError(`--status must be one of ${STATUSES.join(', ')}`);
      const engine = ctx.open();
      const r = withStopReason(engine.db, runId, engine.report(runId));
      if (f.csv) {
        process.stdout.write(`${Papa.unparse([RUN_LOG_COLUMNS])}\r\n`);
        for (const it of engine.runs.iterateItems(runId)) {
          if (f.status && it.status !== f.status) continue;
          const d = engine.ledger.forItem(runId, it.seq);
          process.stdout.write(`${Papa.unparse([[runId, it.seq, it.status, it.reason ?? '', it.itemId ?? '', it.messageId ?? '', it.subject ?? '',
            it.itemDate ?? '', it.unmapped ? 'yes' : 'no', it.origin, d.map((x) => x.mailbox || '(unassigned)').join('; '),
            d.map((x) => [x.remoteId, x.correlationId].filter(Boolean).join(' ')).join('; ')]], { quotes: false })}\r\n`);
        }
        return;
      }
      const items = engine.runs.items(runId, { ...(f.status ? { status: f.status as ItemStatus } : {}), limit: Number(f.limit ?? 50) || 50 });
      ctx.print(() => `${formatReport(r, { maxFailures: 0 })}\n\n${table(items.map((i) => [i.seq, i.status, (i.subject ?? '').slice(0, 50), i.reason ?? '']), ['seq', 'status', 'subject', 'reason'])}`,
        { ...r, items });
    });
}
