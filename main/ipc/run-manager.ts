/**
 * Runs started from the app: one at a time per connector, off the request (the reply says it started;
 * progress and the report arrive as events), cancelable, and the scheduler that starts connectors whose
 * schedule is due while the app is open.
 */
import type { ActiveRunView, FerryEvent } from '../../preload/contract';
import type { Engine } from '../engine/engine';
import type { RunProgress } from '../engine/runs/run';
import type { ConnectorStore } from '../engine/connectors/connector-store';
import { type ConnectorRunResult, runConnector } from '../engine/connectors/connector-run';
import { importedToday } from '../engine/connectors/daily-cap';
import { isDue } from '../engine/connectors/schedule';
import { configError } from '../engine/errors';
import { toIpcError } from './dispatch';

interface Active {
  view: ActiveRunView;
  controller: AbortController;
  done: Promise<void>;
}

export interface RunManagerDeps {
  engine: Engine;
  connectors: ConnectorStore;
  emit: (e: FerryEvent) => void;
  now: () => Date;
}

const toView = (p: RunProgress): NonNullable<ActiveRunView['progress']> => ({ ...p, counts: { ...p.counts } });

export class RunManager {
  private readonly active = new Map<number, Active>();
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  /** The last result per connector, for the CLI and tests. */
  readonly results = new Map<number, ConnectorRunResult>();

  constructor(private readonly deps: RunManagerDeps) {}

  list(): ActiveRunView[] {
    return [...this.active.values()].map((a) => a.view);
  }

  get(connectorId: number): ActiveRunView | undefined {
    return this.active.get(connectorId)?.view;
  }

  start(connectorId: number, mode: 'import' | 'preview', trigger: ActiveRunView['trigger'] = 'manual'): ActiveRunView {
    if (this.active.has(connectorId)) throw configError(`connector ${connectorId} is already running; wait for it to finish or cancel it`);
    const c = this.deps.connectors.require(connectorId);
    const controller = new AbortController();
    const view: ActiveRunView = { connectorId, mode, startedAt: this.deps.now().toISOString(), progress: null, trigger };
    const done = (async () => {
      try {
        const result = await runConnector(this.deps.engine, c, {
          mode, signal: controller.signal, now: this.deps.now(),
          onProgress: (p) => {
            view.progress = toView(p);
            this.deps.emit({ type: 'run-progress', connectorId, progress: view.progress });
          },
        });
        this.results.set(connectorId, result);
        if (result.report) this.deps.emit({ type: 'run-finished', connectorId, report: result.report });
        else this.deps.emit({ type: 'run-error', connectorId, error: { class: 'config', message: result.message } });
      } catch (err) {
        this.deps.emit({ type: 'run-error', connectorId, error: toIpcError(err) });
      } finally {
        this.active.delete(connectorId);
        this.deps.emit({ type: 'connectors-changed' });
      }
    })();
    this.active.set(connectorId, { view, controller, done });
    this.deps.emit({ type: 'run-started', run: view });
    return view;
  }

  cancel(connectorId: number): boolean {
    const a = this.active.get(connectorId);
    if (!a || a.controller.signal.aborted) return false;
    a.controller.abort();
    return true;
  }

  /** Starts every connector whose schedule is due; returns the ids started. */
  tick(): number[] {
    const now = this.deps.now();
    const started: number[] = [];
    for (const c of this.deps.connectors.list()) {
      if (!c.schedule.enabled || this.active.has(c.id)) continue;
      const last = this.deps.engine.runs.list({ connectorId: c.id, limit: 20 }).find((r) => r.mode === 'import');
      const due = isDue(c, { lastImportStartedAt: last?.startedAt ?? null, capReached: importedToday(this.deps.engine.db, c.id, now) >= c.dailyCap }, now);
      if (!due) continue;
      try {
        this.start(c.id, 'import', 'schedule');
        started.push(c.id);
      } catch (err) {
        this.deps.emit({ type: 'run-error', connectorId: c.id, error: toIpcError(err) });
      }
    }
    return started;
  }

  /** Checks for due connectors every `intervalMs`, and once soon after the app opens (runs missed while it was closed). */
  startScheduler(intervalMs = 60_000, firstAfterMs = 5_000): void {
    this.stopScheduler();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
    this.first = setTimeout(() => this.tick(), Math.min(firstAfterMs, intervalMs));
    this.first.unref();
  }

  stopScheduler(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.first) clearTimeout(this.first);
    this.timer = undefined;
    this.first = undefined;
  }

  /** Resolves once no run is in progress. */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** Cancels everything (the app is closing); each run stops after its current batch and can resume. */
  async shutdown(): Promise<void> {
    this.stopScheduler();
    for (const a of this.active.values()) a.controller.abort();
    await this.idle();
  }
}
