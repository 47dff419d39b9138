/**
 * The re-import of unmapped items started from the app, followed the way a connector run is: a
 * `reimport-started` event, `reimport-progress` for each run (one per destination), then
 * `reimport-finished` with the counts or `reimport-error`. One at a time: re-imports share the queue
 * and each resumes the unfinished runs of the last. Cancelable; a cancelled run resumes next time.
 */
import { type ActiveReimportView, type FerryEvent, type ReimportResultView, ReimportResultSchema } from '../../preload/contract';
import type { RunProgress } from '../engine/runs/run';
import { configError } from '../engine/errors';
import { toIpcError } from './dispatch';

export interface ReimportHooks {
  signal: AbortSignal;
  onProgress: (p: RunProgress) => void;
}

interface Active {
  view: ActiveReimportView;
  controller: AbortController;
  done: Promise<unknown>;
}

export class ReimportRunner {
  private active: Active | null = null;

  constructor(private readonly deps: { emit: (e: FerryEvent) => void; now: () => Date }) {}

  get(): ActiveReimportView | null {
    return this.active?.view ?? null;
  }

  /** Runs `work` under the runner's events; resolves with its result (also sent as `reimport-finished`). */
  async run(connectorId: number | null, work: (hooks: ReimportHooks) => Promise<ReimportResultView>): Promise<ReimportResultView> {
    if (this.active) throw configError('a re-import of unmapped items is already running; wait for it to finish or cancel it');
    const controller = new AbortController();
    const view: ActiveReimportView = { connectorId, startedAt: this.deps.now().toISOString(), progress: null, runsDone: 0 };
    const finishedRuns = new Set<number>();
    const onProgress = (p: RunProgress) => {
      if (p.finished) finishedRuns.add(p.runId);
      view.progress = { ...p, counts: { ...p.counts } };
      view.runsDone = finishedRuns.size;
      this.deps.emit({ type: 'reimport-progress', connectorId, progress: view.progress, runsDone: view.runsDone });
    };
    const active: Active = { view, controller, done: Promise.resolve() };
    this.active = active;
    this.deps.emit({ type: 'reimport-started', reimport: { ...view } });
    const done = (async () => {
      try {
        // Events bypass the reply schema: parse so they carry only what the contract declares.
        const result = ReimportResultSchema.parse(await work({ signal: controller.signal, onProgress }));
        this.deps.emit({ type: 'reimport-finished', connectorId, result });
        return result;
      } catch (err) {
        this.deps.emit({ type: 'reimport-error', connectorId, error: toIpcError(err) });
        throw err;
      } finally {
        if (this.active === active) this.active = null;
      }
    })();
    active.done = done;
    return done;
  }

  cancel(): boolean {
    if (!this.active || this.active.controller.signal.aborted) return false;
    this.active.controller.abort();
    return true;
  }

  /** The app is closing: stop after the current batch (resumable) and wait. */
  async shutdown(): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.controller.abort();
    await a.done.catch(() => undefined);
  }
}
