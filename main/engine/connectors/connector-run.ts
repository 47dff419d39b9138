/**
 * Runs a saved connector: its export, destination, folder, size limit and routing, under its daily
 * cap. An import resumes the connector's unfinished import of the same export and destination (one
 * that was interrupted, cancelled, or stopped by the cap), so a deferred remainder is picked up where
 * it stopped.
 */
import path from 'node:path';
import type { Engine } from '../engine';
import { getSource } from '../sources/registry';
import { defaultFolder } from '../sources/default-folder';
import { createDestination, type DestinationConfig } from '../destinations/registry';
import { type RunProgress, type RunReport, executeRun } from '../runs/run';
import type { RunRow } from '../store/runs';
import type { ConvertOptions } from '../convert/convert';
import type { Connector } from './connector-store';
import { routingConfigFor } from './connector-routing';
import { CapGuard, DEFERRED_NOTICE, cappedBatchSize, importedToday } from './daily-cap';
import { type StopReason, withStopReason } from './run-stop';
import { nextRunAt } from './schedule';

export interface ConnectorRunOptions {
  mode: 'import' | 'preview';
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  now?: Date;
  batchSize?: number;
}

export type ConnectorRunReport = RunReport & { stopReason: StopReason | null };

export interface ConnectorRunResult {
  /** Null when nothing ran because today's cap was already used up. */
  report: ConnectorRunReport | null;
  /** The cap stopped the run (or kept it from starting): the rest waits for the next run. */
  deferred: boolean;
  message: string;
}

export function destinationConfigOf(c: Connector): DestinationConfig {
  return { ...c.destination.settings, kind: c.destination.kind };
}

export function convertOptionsOf(c: Connector): ConvertOptions {
  return {
    ...(c.maxItemMb ? { maxItemBytes: Math.round(c.maxItemMb * 1024 * 1024) } : {}),
    ...(c.oversize ? { oversize: c.oversize } : {}),
  };
}

export function folderOf(c: Connector): string {
  return c.folder ?? defaultFolder(getSource(c.kind), c.source);
}

/** The connector's newest import of this export into this destination, when it can be continued. */
export function resumableRun(engine: Engine, c: Connector, input: string, destinationKey: string): RunRow | undefined {
  engine.runs.markInterrupted();
  const last = engine.runs.list({ connectorId: c.id, limit: 50 })
    .find((r) => r.mode === 'import' && r.kind === c.kind && r.input === input && r.destination === destinationKey);
  return last && (last.status === 'interrupted' || last.status === 'cancelled') ? last : undefined;
}

export async function runConnector(engine: Engine, c: Connector, o: ConnectorRunOptions): Promise<ConnectorRunResult> {
  const now = o.now ?? new Date();
  const source = getSource(c.kind);
  const settings = { ...c.source, path: path.resolve(c.source.path) };
  const destinationConfig = destinationConfigOf(c);
  const destination = createDestination(destinationConfig, { db: engine.db, secrets: engine.secrets });
  const folder = folderOf(c);
  // The mapping engine routes (the connector's mapping set, the organisation's domains, the catch-all)
  // and keeps unmapped items in its queue.
  const routing = routingConfigFor(engine, c, destination.kind);
  const plumbing = engine.mapping.forRun({ kind: c.kind, mode: o.mode, destination, destinationConfig, folder, routing });
  const base = {
    kind: c.kind, settings, mode: o.mode, destination, destinationConfig, connectorId: c.id, folder, convert: convertOptionsOf(c),
    router: plumbing.router, afterItem: plumbing.afterItem,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.batchSize ? { batchSize: o.batchSize } : {}),
  };
  if (o.mode === 'preview') {
    const report = await executeRun(engine.db, { ...base, source, ...(o.signal ? { signal: o.signal } : {}) });
    return { report: { ...report, stopReason: null }, deferred: false, message: `preview run ${report.runId} ${report.status}` };
  }

  const remaining = c.dailyCap - importedToday(engine.db, c.id, now);
  if (remaining <= 0) {
    return { report: null, deferred: true, message: `${DEFERRED_NOTICE}: ${c.dailyCap.toLocaleString('en-US')} items were already imported today by "${c.name}"; the next run continues tomorrow.` };
  }
  let resume = resumableRun(engine, c, settings.path, destination.key);
  // A resume routes as its run began; when the mapping or routing settings changed since, a new run
  // starts instead (the ledger still keeps every copy single).
  const recorded = resume ? engine.mapping.recordedRouting(resume.id) : null;
  if (recorded && JSON.stringify(recorded) !== JSON.stringify(routing)) resume = undefined;
  const atStart = resume ? engine.runs.counts(resume.id) : undefined;
  const capStop = new AbortController();
  const guard = new CapGuard({
    remaining, skip: resume ? engine.runs.doneSeqs(resume.id) : new Set(),
    importedAtStart: atStart ? atStart.imported + atStart.partial : 0, doneAtStart: atStart?.available ?? 0,
    stop: () => capStop.abort(),
  });
  const signal = o.signal ? AbortSignal.any([o.signal, capStop.signal]) : capStop.signal;
  // Every batch's progress reaches the guard; the caller's listener still gets at most five a second.
  let lastEmit = 0;
  const onProgress = (p: RunProgress) => {
    guard.progress(p);
    const t = Date.now();
    if (o.onProgress && (p.finished || t - lastEmit >= 200)) { lastEmit = t; o.onProgress(p); }
  };
  const report = await executeRun(engine.db, {
    ...base, source: guard.wrap(source), signal, onProgress, progressIntervalMs: destination.transactional ? 0 : 200,
    batchSize: Math.min(o.batchSize ?? 2000, cappedBatchSize(remaining)), ...(resume ? { resumeRunId: resume.id } : {}),
  });
  const capped = guard.capped;
  // The cap fired and the run stopped for it (a cancel by the admin at the same moment counts as the admin's).
  const deferred = capped && report.status === 'cancelled' && !o.signal?.aborted;
  if (deferred) {
    // Today's imports as the guard counted them: before this run, plus this session's.
    const today = c.dailyCap - remaining + report.counts.imported + report.counts.partial - (atStart ? atStart.imported + atStart.partial : 0);
    const msg = capNotice(c, today, report.startedAt, now);
    // Written after the run ended: that order is what marks the run as paused by the cap (run-stop.ts).
    engine.runs.addNotice(report.runId, msg);
    report.notices.push(msg);
    return { report: withStopReason(engine.db, report.runId, report), deferred, message: msg };
  }
  return { report: { ...report, stopReason: null }, deferred: false, message: `run ${report.runId} ${report.status}` };
}

/** "Daily cap reached: N items imported today …, the rest continue at the next scheduled run (when)". */
function capNotice(c: Connector, today: number, runStartedAt: string, now: Date): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const next = nextRunAt(c, { lastImportStartedAt: runStartedAt, capReached: true }, now);
  const when = next ? `at the next scheduled run (${next.toISOString().slice(0, 16).replace('T', ' ')} UTC)` : 'at the next run (tomorrow at the earliest: the schedule is off)';
  return `${DEFERRED_NOTICE}: ${n(today)} item${today === 1 ? '' : 's'} imported today by "${c.name}" (cap ${n(c.dailyCap)} a day). The remaining items continue ${when}, which resumes this run; nothing is imported twice.`;
}
