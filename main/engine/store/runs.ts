/**
 * Runs and their per-item outcomes. Every source record of a run gets exactly one row in
 * `run_items`; the report's counts are read back from those rows, never kept on the side.
 */
import type { Db } from './db';
import { nowIso } from './db';

export type RunMode = 'import' | 'preview';
export type RunStatus = 'running' | 'completed' | 'cancelled' | 'interrupted' | 'failed';
export type ItemStatus = 'imported' | 'partial' | 'duplicate' | 'failed';

export interface RunRow {
  id: number;
  connectorId: number | null;
  kind: string;
  input: string;
  mode: RunMode;
  destination: string;
  status: RunStatus;
  options: Record<string, unknown>;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  pid: number | null;
}

export interface Counts {
  available: number;
  imported: number;
  partial: number;
  duplicate: number;
  failed: number;
  unmapped: number;
}

export interface RunItemRow {
  seq: number;
  itemId: string | null;
  messageId: string | null;
  origin: string;
  status: ItemStatus;
  reason: string | null;
  subject: string | null;
  itemDate: string | null;
  unmapped: boolean;
}

export interface ItemOutcome {
  seq: number;
  itemId?: string | undefined;
  messageId?: string | undefined;
  origin: string;
  status: ItemStatus;
  reason?: string | undefined;
  subject?: string | undefined;
  itemDate?: Date | undefined;
  unmapped?: boolean;
}

interface RawRun {
  id: number; connector_id: number | null; kind: string; input: string; mode: RunMode; destination: string;
  status: RunStatus; options: string; started_at: string; finished_at: string | null; error: string | null; pid: number | null;
}

const toItemRow = (r: Record<string, unknown>): RunItemRow => ({
  seq: r.seq as number, itemId: r.item_id as string | null, messageId: r.message_id as string | null, origin: r.origin as string,
  status: r.status as ItemStatus, reason: r.reason as string | null, subject: r.subject as string | null,
  itemDate: r.item_date as string | null, unmapped: r.unmapped === 1,
});

const toRun = (r: RawRun): RunRow => ({
  id: r.id, connectorId: r.connector_id, kind: r.kind, input: r.input, mode: r.mode, destination: r.destination,
  status: r.status, options: JSON.parse(r.options) as Record<string, unknown>, startedAt: r.started_at,
  finishedAt: r.finished_at, error: r.error, pid: r.pid,
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunStore {
  private readonly insertItem;

  constructor(private readonly db: Db) {
    this.insertItem = db.prepare(`INSERT INTO run_items
      (run_id, seq, item_id, message_id, origin, status, reason, subject, item_date, unmapped)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  create(r: { connectorId?: number | null; kind: string; input: string; mode: RunMode; destination: string; options: Record<string, unknown> }): number {
    return Number(this.db.prepare(`INSERT INTO runs (connector_id, kind, input, mode, destination, status, options, started_at, pid)
      VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)`)
      .run(r.connectorId ?? null, r.kind, r.input, r.mode, r.destination, JSON.stringify(r.options), nowIso(), process.pid).lastInsertRowid);
  }

  /** Takes over an unfinished run for this process. */
  reopen(id: number): void {
    this.db.prepare(`UPDATE runs SET status = 'running', pid = ?, finished_at = NULL, error = NULL WHERE id = ?`).run(process.pid, id);
  }

  finish(id: number, status: Exclude<RunStatus, 'running'>, error?: string): void {
    this.db.prepare('UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(status, nowIso(), error ?? null, id);
  }

  /** Runs left 'running' by a process that is gone (killed, crashed) become 'interrupted'. */
  markInterrupted(): number {
    const stale = this.db.prepare<[], { id: number; pid: number | null }>(`SELECT id, pid FROM runs WHERE status = 'running'`).all()
      .filter((r) => r.pid === null || (r.pid !== process.pid && !processAlive(r.pid)));
    const upd = this.db.prepare(`UPDATE runs SET status = 'interrupted' WHERE id = ?`);
    for (const r of stale) upd.run(r.id);
    return stale.length;
  }

  get(id: number): RunRow | undefined {
    const r = this.db.prepare<[number], RawRun>('SELECT * FROM runs WHERE id = ?').get(id);
    return r && toRun(r);
  }

  list(opts: { limit?: number; connectorId?: number } = {}): RunRow[] {
    const rows = opts.connectorId !== undefined
      ? this.db.prepare<[number, number], RawRun>('SELECT * FROM runs WHERE connector_id = ? ORDER BY id DESC LIMIT ?').all(opts.connectorId, opts.limit ?? 1000)
      : this.db.prepare<[number], RawRun>('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(opts.limit ?? 1000);
    return rows.map(toRun);
  }

  /** The newest unfinished import of the same input into the same destination, to resume. */
  findResumable(kind: string, input: string, destination: string): RunRow | undefined {
    this.markInterrupted();
    const r = this.db.prepare<[string, string, string], RawRun>(`SELECT * FROM runs WHERE kind = ? AND input = ? AND destination = ?
      AND mode = 'import' ORDER BY id DESC LIMIT 1`).get(kind, input, destination);
    return r && (r.status === 'interrupted' || r.status === 'cancelled') ? toRun(r) : undefined;
  }

  record(runId: number, o: ItemOutcome): void {
    this.insertItem.run(runId, o.seq, o.itemId ?? null, o.messageId ?? null, o.origin, o.status, o.reason ?? null,
      o.subject ?? null, o.itemDate && !Number.isNaN(o.itemDate.getTime()) ? o.itemDate.toISOString() : null, o.unmapped ? 1 : 0);
  }

  doneSeqs(runId: number): Set<number> {
    const out = new Set<number>();
    for (const r of this.db.prepare<[number], { seq: number }>('SELECT seq FROM run_items WHERE run_id = ?').iterate(runId)) out.add(r.seq);
    return out;
  }

  counts(runId: number): Counts {
    const c: Counts = { available: 0, imported: 0, partial: 0, duplicate: 0, failed: 0, unmapped: 0 };
    for (const r of this.db.prepare<[number], { status: ItemStatus; n: number; u: number }>(
      'SELECT status, COUNT(*) AS n, SUM(unmapped) AS u FROM run_items WHERE run_id = ? GROUP BY status').all(runId)) {
      c[r.status] = r.n;
      c.available += r.n;
      c.unmapped += r.u;
    }
    return c;
  }

  items(runId: number, f: { status?: ItemStatus; search?: string; offset?: number; limit?: number } = {}): RunItemRow[] {
    const where = ['run_id = ?'];
    const args: (string | number)[] = [runId];
    if (f.status) { where.push('status = ?'); args.push(f.status); }
    if (f.search) { where.push('(reason LIKE ? OR subject LIKE ? OR item_id LIKE ? OR origin LIKE ?)'); const s = `%${f.search}%`; args.push(s, s, s, s); }
    args.push(f.limit ?? -1, f.offset ?? 0);
    return this.db.prepare<(string | number)[], Record<string, unknown>>(
      `SELECT * FROM run_items WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ? OFFSET ?`).all(...args).map(toItemRow);
  }

  /** Iterates a run's outcomes in source order without loading them all (CSV export of a million rows). */
  *iterateItems(runId: number): Generator<RunItemRow> {
    for (const r of this.db.prepare<[number], Record<string, unknown>>('SELECT * FROM run_items WHERE run_id = ? ORDER BY seq').iterate(runId)) {
      yield toItemRow(r);
    }
  }

  addNotice(runId: number, message: string): void {
    this.db.prepare('INSERT INTO run_notices (run_id, at, message) VALUES (?, ?, ?)').run(runId, nowIso(), message);
  }

  notices(runId: number): string[] {
    return this.db.prepare<[number], { message: string }>('SELECT message FROM run_notices WHERE run_id = ? ORDER BY rowid').all(runId).map((r) => r.message);
  }
}
