/**
 * A run's per-item log: pages with filters for the History screen, and the CSV export (the same
 * columns as `ferry run <id> --csv`), streamed row by row so a million-item run exports in flat memory.
 */
import fs from 'node:fs';
import Papa from 'papaparse';
import type { Engine } from '../engine/engine';
import type { ItemStatus, RunItemRow } from '../engine/store/runs';
import type { RunItemView } from '../../preload/contract';

export const RUN_LOG_COLUMNS = ['run', 'seq', 'status', 'reason', 'item_id', 'message_id', 'subject', 'item_date', 'unmapped', 'origin', 'mailboxes', 'destination_ids'];

export interface LogFilter {
  status?: ItemStatus | undefined;
  search?: string | undefined;
}

function where(runId: number, f: LogFilter): { sql: string; args: (string | number)[] } {
  const parts = ['run_id = ?'];
  const args: (string | number)[] = [runId];
  if (f.status) { parts.push('status = ?'); args.push(f.status); }
  if (f.search) {
    // LIKE wildcards typed by the admin are matched literally.
    const s = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(`(reason LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR item_id LIKE ? ESCAPE '\\' OR origin LIKE ? ESCAPE '\\')`);
    args.push(s, s, s, s);
  }
  return { sql: parts.join(' AND '), args };
}

export function countItems(engine: Engine, runId: number, f: LogFilter): number {
  const w = where(runId, f);
  return (engine.db.prepare<(string | number)[], { n: number }>(`SELECT COUNT(*) AS n FROM run_items WHERE ${w.sql}`).get(...w.args))?.n ?? 0;
}

function toRow(r: Record<string, unknown>): RunItemRow {
  return {
    seq: r.seq as number, itemId: r.item_id as string | null, messageId: r.message_id as string | null, origin: r.origin as string,
    status: r.status as ItemStatus, reason: r.reason as string | null, subject: r.subject as string | null,
    itemDate: r.item_date as string | null, unmapped: r.unmapped === 1,
  };
}

function* iterate(engine: Engine, runId: number, f: LogFilter, page?: { offset: number; limit: number }): Generator<RunItemRow> {
  const w = where(runId, f);
  const paging = page ? ' LIMIT ? OFFSET ?' : '';
  const args = page ? [...w.args, page.limit, page.offset] : w.args;
  for (const r of engine.db.prepare<(string | number)[], Record<string, unknown>>(`SELECT * FROM run_items WHERE ${w.sql} ORDER BY seq${paging}`).iterate(...args)) {
    yield toRow(r);
  }
}

export function itemsPage(engine: Engine, runId: number, f: LogFilter, offset: number, limit: number): { items: RunItemView[]; total: number } {
  const items = [...iterate(engine, runId, f, { offset, limit })].map((it) => ({
    ...it, mailboxes: engine.ledger.forItem(runId, it.seq).map((d) => d.mailbox || '(unassigned)'),
  }));
  return { items, total: countItems(engine, runId, f) };
}

/** Writes the log as CSV (UTF-8 with a BOM so Excel reads accents); returns the rows written. */
export function writeLogCsv(engine: Engine, runId: number, f: LogFilter, file: string): number {
  const fd = fs.openSync(file, 'w');
  let rows = 0;
  try {
    fs.writeSync(fd, `\uFEFF${Papa.unparse([RUN_LOG_COLUMNS])}\r\n`);
    let chunk: string[] = [];
    const flush = () => { if (chunk.length) { fs.writeSync(fd, chunk.join('')); chunk = []; } };
    for (const it of iterate(engine, runId, f)) {
      const d = engine.ledger.forItem(runId, it.seq);
      chunk.push(`${Papa.unparse([[runId, it.seq, it.status, it.reason ?? '', it.itemId ?? '', it.messageId ?? '', it.subject ?? '', it.itemDate ?? '',
        it.unmapped ? 'yes' : 'no', it.origin, d.map((x) => x.mailbox || '(unassigned)').join('; '),
        d.map((x) => [x.remoteId, x.correlationId].filter(Boolean).join(' ')).join('; ')]], { quotes: false, escapeFormulae: true })}\r\n`);
      rows++;
      if (chunk.length >= 1000) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return rows;
}
