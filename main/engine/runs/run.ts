/**
 * A run: read the source → validate → route → convert → deliver → record. Every source record ends
 * as exactly one row in `run_items` (imported, partial, duplicate or failed, with the reason).
 *
 * Exactly once, across crashes:
 * - local archive: the message, its ledger row and its outcome commit in one SQLite transaction, a
 *   batch at a time; a killed process loses at most an uncommitted batch, which the resume redoes.
 * - remote destinations: a 'pending' ledger row commits before the send; a resume asks the
 *   destination (by Message-ID) whether a pending message arrived before sending it again.
 * A resume replays the source (its order is deterministic) and skips the records already recorded.
 */
import { setMaxListeners } from 'node:events';
import type { Db } from '../store/db';
import { RunStore, type Counts, type ItemOutcome, type ItemStatus, type RunMode, type RunStatus } from '../store/runs';
import { Ledger, type LedgerKey } from '../store/ledger';
import type { Source, SourceSettings } from '../sources/types';
import { defaultFolder } from '../sources/default-folder';
import type { Destination, DeliveryTarget, RemoteDestination } from '../destinations/types';
import { type Item, type SourceRecord, describeOrigin, isBadRecord } from '../item';
import { validateItem } from '../validate';
import { type ConvertOptions, type ConvertedMessage, convertItem } from '../convert/convert';
import { type Route, type Router, unassignedRouter } from '../routing/types';
import { FerryError, classify } from '../errors';

export interface RunSpec {
  kind: string;
  source: Source;
  settings: SourceSettings;
  mode: RunMode;
  /** Where items go; in a preview, the ledger of this destination tells what would be a duplicate. */
  destination: Destination;
  /** Recorded with the run, so a resume rebuilds the same destination. Never holds secrets. */
  destinationConfig?: Record<string, unknown>;
  router?: Router;
  convert?: ConvertOptions;
  /** Folder per source; default `<Platform> Archive`. */
  folder?: string;
  connectorId?: number | null;
  /** Continue this unfinished run instead of starting one. */
  resumeRunId?: number;
  /** Records per transaction for the local archive. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  progressIntervalMs?: number;
  /** Called inside the item's transaction once its outcome is recorded (the unmapped queue uses it). */
  afterItem?: (ctx: AfterItemContext) => void;
}

export interface AfterItemContext {
  db: Db;
  runId: number;
  seq: number;
  item: Item;
  route: Route;
  message: ConvertedMessage;
  status: ItemStatus;
}

export interface RunProgress {
  runId: number;
  mode: RunMode;
  /** Records processed in this run so far (including those done before a resume). */
  done: number;
  counts: Counts;
  /** Records per second over the last few seconds. */
  rate: number;
  /** How far through the export, 0..1, when the source reports it. */
  fraction?: number;
  /** Estimated time left, from the fraction and the elapsed time. */
  etaMs?: number;
  elapsedMs: number;
  finished: boolean;
}

export interface RunReport {
  runId: number;
  mode: RunMode;
  kind: string;
  input: string;
  destination: string;
  status: RunStatus;
  error?: string;
  resumed: boolean;
  startedAt: string;
  finishedAt: string | null;
  elapsedMs: number;
  counts: Counts;
  failures: { item: string; reason: string }[];
  /** Failures beyond the first 1,000 are in the per-item log only. */
  failuresOmitted: number;
  notices: string[];
}

interface Prepared {
  seq: number;
  origin: string;
  item?: Item;
  route?: Route;
  message?: ConvertedMessage;
  /** Set when the record failed before delivery. */
  failure?: string;
}

const MAX_FAILURES_IN_REPORT = 1000;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;
/** Records per local transaction: fewer, larger commits write each touched index page fewer times. */
export const DEFAULT_BATCH = 8000;
/** WAL pages between automatic checkpoints during a run (SQLite's default is 1,000). */
const BULK_CHECKPOINT_PAGES = 16384;

/** Run-level errors stop the run; the item that met one is left unrecorded for the resume. */
const stopsRun = (e: FerryError) => e.errorClass === 'auth' || e.errorClass === 'config' || e.errorClass === 'system';

export async function executeRun(db: Db, spec: RunSpec): Promise<RunReport> {
  const runs = new RunStore(db);
  const ledger = new Ledger(db);
  const router = spec.router ?? unassignedRouter;
  const folder = spec.folder ?? defaultFolder(spec.source, spec.settings);
  const dest = spec.destination;
  runs.markInterrupted();

  const options = {
    settings: spec.settings, convert: { maxItemBytes: spec.convert?.maxItemBytes, oversize: spec.convert?.oversize },
    folder, mappingVersion: router.mappingVersion, destinationConfig: spec.destinationConfig ?? { kind: dest.kind },
  };
  let runId: number;
  let done: Set<number>;
  if (spec.resumeRunId !== undefined) {
    const prev = runs.get(spec.resumeRunId);
    if (!prev) throw new FerryError('config', `run ${spec.resumeRunId} does not exist`);
    if (prev.status === 'completed' || prev.status === 'running') {
      throw new FerryError('config', `run ${prev.id} is ${prev.status}; only an interrupted, cancelled or failed run can be resumed`);
    }
    runId = prev.id;
    runs.reopen(runId);
    runs.addNotice(runId, `resumed by process ${process.pid}`);
    done = runs.doneSeqs(runId);
  } else {
    runId = runs.create({ connectorId: spec.connectorId ?? null, kind: spec.kind, input: spec.settings.path, mode: spec.mode, destination: dest.key, options });
    done = new Set();
  }

  const started = Date.now();
  const convertOpts = spec.convert ?? {};
  let processed = done.size;
  let lastEmit = 0;
  let fraction: number | undefined;
  const rateWindow: [number, number][] = [[started, processed]];
  const emit = (finished: boolean) => {
    if (!spec.onProgress) return;
    const now = Date.now();
    if (!finished && now - lastEmit < (spec.progressIntervalMs ?? 200)) return;
    lastEmit = now;
    rateWindow.push([now, processed]);
    while (rateWindow.length > 2 && now - rateWindow[0]![0] > 5000) rateWindow.shift();
    const [t0, n0] = rateWindow[0]!;
    const elapsedMs = now - started;
    const p: RunProgress = { runId, mode: spec.mode, done: processed, counts: runs.counts(runId), rate: now > t0 ? ((processed - n0) * 1000) / (now - t0) : 0, elapsedMs, finished };
    if (fraction !== undefined) {
      p.fraction = finished ? 1 : fraction;
      if (fraction > 0.01 && !finished) p.etaMs = (elapsedMs * (1 - fraction)) / fraction;
    }
    spec.onProgress(p);
  };

  const prepare = async (record: SourceRecord, seq: number): Promise<Prepared> => {
    if (isBadRecord(record)) {
      return { seq, origin: describeOrigin(record.origin), failure: `${describeOrigin(record.origin)}: ${record.reason}` };
    }
    const item = record;
    const origin = describeOrigin(item.origin);
    const invalid = validateItem(item);
    if (invalid) return { seq, origin, item, failure: invalid };
    const route = router.route(item, folder);
    const unrouted = route.refusal ?? (route.targets.length ? undefined
      : `item ${item.id} (${origin}): unmapped — no participant (${route.unmappedIdentities.map((i) => i.id).join(', ')}) maps to a mailbox and no catch-all mailbox is set; kept in the unmapped queue`);
    try {
      // Refused and unmapped items are converted too: the unmapped queue (afterItem) keeps their message for a re-import.
      const message = await convertItem(item, { ...convertOpts, resolve: route.resolve });
      return unrouted === undefined ? { seq, origin, item, route, message } : { seq, origin, item, route, message, failure: unrouted };
    } catch (err) {
      const e = classify(err);
      if (e.errorClass !== 'data') throw e;
      return { seq, origin, item, route, failure: e.message };
    }
  };

  const outcomeOf = (p: Prepared, status: ItemStatus, reason?: string): ItemOutcome => ({
    seq: p.seq, itemId: p.item?.id, messageId: p.message?.messageId, origin: p.origin, status, reason,
    subject: p.message?.subject ?? p.item?.subject, itemDate: p.item?.date, unmapped: p.route?.unmapped ?? false,
  });

  /** Delivered by this very record before a crash (its outcome was not recorded yet): it counts as imported, not duplicate. */
  const deliveredBefore = (st: { runId: number; seq: number }, p: Prepared) => st.runId === runId && st.seq === p.seq;

  const keyOf = (p: Prepared, t: DeliveryTarget): LedgerKey => ({ destination: dest.key, mailbox: t.mailbox, messageId: p.message!.messageId });

  /** Status once every target is settled: any new copy → imported/partial; all copies already there → duplicate. */
  const settled = (p: Prepared, newCopies: number): ItemOutcome => newCopies > 0
    ? outcomeOf(p, p.message!.partialReason ? 'partial' : 'imported', p.message!.partialReason)
    : outcomeOf(p, 'duplicate', `already delivered: ${p.message!.messageId}`);

  const recordWithHooks = (p: Prepared, o: ItemOutcome) => {
    runs.record(runId, o);
    if (spec.afterItem && p.item && p.route && p.message) {
      spec.afterItem({ db, runId, seq: p.seq, item: p.item, route: p.route, message: p.message, status: o.status });
    }
  };

  /** Preview, or import into a transactional (local) destination: one transaction per batch. */
  const commitBatch = db.transaction((batch: Prepared[]) => {
    for (const p of batch) {
      if (p.failure !== undefined) { recordWithHooks(p, outcomeOf(p, 'failed', p.failure)); continue; }
      let newCopies = 0;
      for (const t of p.route!.targets) {
        const st = ledger.state(keyOf(p, t));
        if (st?.state === 'delivered') { if (deliveredBefore(st, p)) newCopies++; continue; }
        newCopies++;
        if (spec.mode === 'import' && dest.transactional) {
          const d = dest.deliverSync(p.message!, t);
          ledger.markDelivered(keyOf(p, t), d.folder ?? t.folder, d, runId, p.seq);
        }
      }
      recordWithHooks(p, settled(p, newCopies));
    }
  });

  let stopError: FerryError | undefined;
  let status: RunStatus = 'completed';
  // A remote send must not be forgotten by a power cut after it happened: its pending mark is synced
  // (FULL). Local batches need no fsync per commit: a power cut rolls a batch back whole, message and
  // outcome together, and the resume redoes it.
  db.pragma(`synchronous = ${spec.mode === 'import' && !dest.transactional ? 'FULL' : 'NORMAL'}`);
  // A bulk import rewrites the same index pages in every batch: checkpointing the WAL less often copies
  // each page back once instead of every time (a third fewer bytes written; measured with npm run bench).
  const checkpointPages = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.max(checkpointPages, BULK_CHECKPOINT_PAGES)}`);
  // Progress also on a clock: while deliveries stall (throttling, a slow server) the last figures,
  // the falling rate and the elapsed time still reach the admin.
  const heartbeat = spec.onProgress ? setInterval(() => emit(false), Math.max(spec.progressIntervalMs ?? 200, 250)) : undefined;
  try {
    // Inside the try: a destination that cannot open fails the run instead of leaving it 'running'.
    await dest.open();
    if (spec.mode === 'import' && !dest.transactional) await verifyPending(dest, ledger, spec.signal);

    const batchSize = spec.batchSize ?? DEFAULT_BATCH;
    let batch: Prepared[] = [];
    let batchBytes = 0;
    const flush = () => { if (batch.length) { commitBatch(batch); processed += batch.length; batch = []; batchBytes = 0; emit(false); } };
    const pool = new Set<Promise<void>>();
    const remote = spec.mode === 'import' && !dest.transactional ? (dest as RemoteDestination) : undefined;
    // Each delivery in flight listens for the cancel: more than Node's default of 10 is expected, not a leak.
    if (remote && spec.signal) setMaxListeners(remote.concurrency * 2 + 10, spec.signal);

    const deliverRemote = async (p: Prepared) => {
      if (p.failure !== undefined) { db.transaction(() => recordWithHooks(p, outcomeOf(p, 'failed', p.failure)))(); processed++; return; }
      let newCopies = 0;
      const failures: string[] = [];
      for (const t of p.route!.targets) {
        const key = keyOf(p, t);
        const st = ledger.state(key);
        if (st?.state === 'delivered') { if (deliveredBefore(st, p)) newCopies++; continue; }
        ledger.markPending(key, t.folder, runId, p.seq);
        try {
          const d = await remote!.deliver(p.message!, t, spec.signal);
          ledger.markDelivered(key, d.folder ?? t.folder, d, runId, p.seq);
          newCopies++;
        } catch (err) {
          const e = classify(err);
          // Refused outright: nothing was stored. Otherwise the pending mark stays for the next run to verify.
          if (e.errorClass === 'data' || e.errorClass === 'auth' || e.errorClass === 'config') ledger.clearPending(key);
          if (stopsRun(e)) throw e;
          // Cancelled mid-send: leave the item unrecorded so the resume delivers it (its pending mark is verified first).
          if (spec.signal?.aborted) { leftForResume = true; return; }
          failures.push(`${t.mailbox || '(unassigned)'}: ${e.message}`);
        }
      }
      const o = failures.length
        ? outcomeOf(p, 'failed', `delivery failed for ${failures.join('; ')}${newCopies ? ` (delivered to ${newCopies} other mailbox(es))` : ''}`)
        : settled(p, newCopies);
      db.transaction(() => recordWithHooks(p, o))();
      processed++;
      emit(false);
    };

    let seq = 0;
    /** A cancel interrupted a delivery after the source's last record: the run is cancelled, not complete. */
    let leftForResume = false;
    const iterator = spec.source.read(spec.settings, {
      ...(spec.signal ? { signal: spec.signal } : {}),
      notice: (m) => runs.addNotice(runId, m),
      progress: (f) => { fraction = Math.max(0, Math.min(1, f)); },
    });
    try {
      for (;;) {
        if (spec.signal?.aborted) { status = 'cancelled'; break; }
        if (stopError) break;
        let next: IteratorResult<SourceRecord>;
        try {
          next = await iterator.next();
        } catch (err) {
          const e = classify(err);
          if (e.errorClass !== 'data') throw e;
          // The export broke off mid-way (truncated, malformed): record it as a failed record and end the run normally.
          const p: Prepared = { seq, origin: spec.settings.path, failure: e.message };
          if (!done.has(seq)) { if (remote) await deliverRemote(p); else batch.push(p); }
          break;
        }
        // Sources stop early when cancelled: an end seen after a cancel may not be the export's end.
        if (next.done) { if (spec.signal?.aborted) status = 'cancelled'; break; }
        const s = seq++;
        if (done.has(s)) continue;
        const p = await prepare(next.value, s);
        if (!remote) {
          batch.push(p);
          // Flush by size too: a batch of large messages (mail with attachments) must not hold gigabytes.
          batchBytes += (p.message?.mime.length ?? 0) + (p.item?.mime?.length ?? 0);
          if (batch.length >= batchSize || batchBytes >= MAX_BATCH_BYTES) flush();
          continue;
        }
        const task = deliverRemote(p).catch((err) => { stopError ??= classify(err); })
          .finally(() => { pool.delete(task); });
        pool.add(task);
        if (pool.size >= remote.concurrency) await Promise.race(pool);
      }
    } finally {
      await iterator.return?.(undefined);
    }
    flush();
    await Promise.all(pool);
    if (stopError) throw stopError;
    if (leftForResume) status = 'cancelled';
  } catch (err) {
    const e = classify(err);
    status = 'failed';
    runs.finish(runId, status, e.message);
    emit(true);
    return report(runs, runId, spec.resumeRunId !== undefined);
  } finally {
    clearInterval(heartbeat);
    db.pragma(`wal_autocheckpoint = ${checkpointPages}`);
    await dest.close();
  }
  runs.finish(runId, status);
  emit(true);
  return report(runs, runId, spec.resumeRunId !== undefined);
}

/** Before sending anything: settle the sends a crash left uncertain, by asking the destination. */
async function verifyPending(dest: Destination, ledger: Ledger, signal?: AbortSignal): Promise<void> {
  if (dest.transactional) return;
  for (const p of ledger.pending(dest.key)) {
    const target = { mailbox: p.mailbox, folder: p.folder };
    const found = await dest.find(p.messageId, target, signal);
    if (found) ledger.markDelivered(p, found.folder ?? p.folder, found, p.runId, p.seq);
    else ledger.clearPending(p);
  }
}

/** The report of a run, read back from the store (also for runs of earlier sessions). */
export function report(runs: RunStore, runId: number, resumed = false): RunReport {
  const r = runs.get(runId);
  if (!r) throw new FerryError('config', `run ${runId} does not exist`);
  const counts = runs.counts(runId);
  const failed = runs.items(runId, { status: 'failed', limit: MAX_FAILURES_IN_REPORT });
  return {
    runId, mode: r.mode, kind: r.kind, input: r.input, destination: r.destination, status: r.status,
    ...(r.error ? { error: r.error } : {}), resumed, startedAt: r.startedAt, finishedAt: r.finishedAt,
    elapsedMs: (r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt),
    counts, failures: failed.map((f) => ({ item: f.itemId ?? f.origin, reason: f.reason ?? '' })),
    failuresOmitted: Math.max(0, counts.failed - failed.length), notices: runs.notices(runId),
  };
}
