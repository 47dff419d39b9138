/**
 * A budget per key over a sliding time window: at most `limit` units in any `windowMs`. Units are
 * requests (Graph: 10,000 requests per 10 minutes per app and mailbox) or bytes (150 MB uploaded
 * per 5 minutes). `take` waits until the units fit; waiters are served in arrival order, so a large
 * upload is not starved by a stream of small requests.
 */
import { sleep } from './sleep';

interface Entry { at: number; units: number }

class Window {
  entries: Entry[] = [];
  head = 0;
  used = 0;
  /** The end of the chain of waiters: each `take` waits for the one before it. */
  tail: Promise<void> = Promise.resolve();

  prune(now: number, windowMs: number): void {
    while (this.head < this.entries.length && this.entries[this.head]!.at <= now - windowMs) {
      this.used -= this.entries[this.head]!.units;
      this.head++;
    }
    // Compact now and then instead of shifting on every expiry.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

export interface SlidingWindowOptions {
  limit: number;
  windowMs: number;
  /** Clock, for tests. */
  now?: () => number;
}

export class SlidingWindowBudget {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  readonly limit: number;
  readonly windowMs: number;

  constructor(o: SlidingWindowOptions) {
    if (!(o.limit > 0) || !(o.windowMs > 0)) throw new RangeError(`a budget needs a positive limit and window (got ${o.limit} per ${o.windowMs} ms)`);
    this.limit = o.limit;
    this.windowMs = o.windowMs;
    this.now = o.now ?? Date.now;
  }

  /**
   * Waits until `units` fit in the window, then spends them. An amount larger than the whole limit
   * is let through once the window is empty, rather than never.
   */
  take(key: string, units = 1, signal?: AbortSignal): Promise<void> {
    const w = this.window(key);
    const turn = w.tail.then(() => this.spend(w, units, signal));
    // The next waiter goes on whatever happened to this one (a cancelled wait spends nothing).
    w.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Milliseconds until `units` would fit (0 if they fit now). */
  waitFor(key: string, units = 1): number {
    return this.delay(this.window(key), units, this.now());
  }

  /** Units spent in the current window. */
  used(key: string): number {
    const w = this.window(key);
    w.prune(this.now(), this.windowMs);
    return w.used;
  }

  private async spend(w: Window, units: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const wait = this.delay(w, units, now);
      if (wait === 0) {
        w.entries.push({ at: now, units });
        w.used += units;
        return;
      }
      await sleep(wait, signal);
    }
  }

  /** How long until enough of the oldest entries leave the window for `units` to fit. */
  private delay(w: Window, units: number, now: number): number {
    w.prune(now, this.windowMs);
    if (w.used === 0 || w.used + units <= this.limit) return 0;
    let freed = 0;
    for (let i = w.head; i < w.entries.length; i++) {
      const e = w.entries[i]!;
      freed += e.units;
      if (w.used - freed + units <= this.limit) return Math.max(1, e.at + this.windowMs - now + 1);
    }
    return this.windowMs;
  }

  private window(key: string): Window {
    const k = key.toLowerCase();
    let w = this.windows.get(k);
    if (!w) { w = new Window(); this.windows.set(k, w); }
    return w;
  }
}
