/**
 * Main's side of the engine host: forks the utility process, correlates requests with replies,
 * forwards events, and answers the host's dialog and link requests. If the host dies, pending
 * requests fail with a system error and a new host is started for the next ones.
 */
import path from 'node:path';
import { type UtilityProcess, utilityProcess } from 'electron';
import type { FerryEvent, Result } from '../../preload/contract';
import type { FromEngine, HostOp, ToEngine } from './engine-protocol';

export interface EngineClientOptions {
  init: Omit<Extract<ToEngine, { type: 'init' }>, 'type'>;
  onEvent: (e: FerryEvent) => void;
  onHostCall: (op: HostOp) => Promise<unknown>;
  onRunDueFinished?: (exitCode: number, summary: string) => void;
  onFatal: (message: string) => void;
}

export class EngineClient {
  private child: UtilityProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private closing = false;
  private closed: (() => void) | undefined;

  constructor(private readonly o: EngineClientOptions) {}

  start(): void {
    const child = utilityProcess.fork(path.join(__dirname, 'engine-host.cjs'), [], { serviceName: 'Ferry engine', stdio: 'inherit' });
    this.child = child;
    child.on('message', (m: FromEngine) => this.onMessage(m));
    child.on('exit', (code) => {
      this.child = undefined;
      for (const [, reply] of this.pending) reply({ ok: false, error: { class: 'system', message: `the engine stopped unexpectedly (exit code ${code}); try again` } });
      this.pending.clear();
      if (this.closing) this.closed?.();
      else this.start();
    });
    child.postMessage({ type: 'init', ...this.o.init } satisfies ToEngine);
  }

  invoke(channel: string, request: unknown): Promise<Result<unknown>> {
    const child = this.child;
    if (!child) return Promise.resolve({ ok: false, error: { class: 'system', message: 'the engine is restarting; try again' } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      child.postMessage({ type: 'invoke', id, channel, request } satisfies ToEngine);
    });
  }

  /** Asks the host to stop its runs and close the store, then ends it. */
  shutdown(timeoutMs = 15_000): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { child.kill(); resolve(); }, timeoutMs);
      this.closed = () => { clearTimeout(timer); resolve(); };
      child.postMessage({ type: 'shutdown' } satisfies ToEngine);
    });
  }

  private onMessage(m: FromEngine): void {
    switch (m.type) {
      case 'reply': {
        const reply = this.pending.get(m.id);
        this.pending.delete(m.id);
        reply?.(m.result);
        break;
      }
      case 'event':
        this.o.onEvent(m.event);
        break;
      case 'host-call': {
        const { id, type: _t, ...op } = m;
        this.o.onHostCall(op as HostOp).then(
          (value) => this.child?.postMessage({ type: 'host-reply', id, value: value ?? null } satisfies ToEngine),
          (err: unknown) => this.child?.postMessage({ type: 'host-reply', id, value: null, error: err instanceof Error ? err.message : String(err) } satisfies ToEngine),
        );
        break;
      }
      case 'run-due-finished':
        this.o.onRunDueFinished?.(m.exitCode, m.summary);
        break;
      case 'fatal':
        this.o.onFatal(m.message);
        break;
      case 'closed':
        this.child?.kill();
        break;
      case 'ready':
        break;
    }
  }
}
