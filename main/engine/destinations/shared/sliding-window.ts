/**
 * A budget per key over a sliding time window: at most `limit` units in any `windowMs`. Units are
 * requests (Graph: 10,000 requests per 10 minutes per app and mailbox) or bytes (150 MB uploaded
 * per 5 minutes). `take` waits until the units fit; waiters are served in arrival order, so a large
 * upload is not starved by a stream of small requests.
 *
 * A service counts a request when it arrives (an upload when its last byte does): later than the
 * client sends it, by as much as the network and the service's queue add. So the units taken count
 * as "in flight", whatever the time, until the caller says the request is answered (`done`); from
 * then they count from that moment, never earlier than the service's own count. A client that
 * stamped requests when sending them could see them leave its window before the service counts
 * them, and be throttled.
 */
import { abortReason } from './sleep';

interface Entry { at: number; units: number }

/** Marks the units taken as answered: they leave the window `windowMs` from now. Calling it again does nothing. */
export type Done = () => void;

class Window {
  entries: Entry[] = [];
  head = 0;
  /** Units of answered requests still in the window. */
  used = 0;
  /** Units of requests not answered yet: they count whatever the time. */
  inFlight = 0;
  /** The end of the chain of waiters: each `take` waits for the one before it. */
  tail: Promise<unknown> = Promise.resolve();
  /** Wakes the waiter at the head of the chain when a request is answered. */
  wake?: () => void;

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
   * Waits until `units` fit, then spends them; call the returned `done` once the request is answered
   * (or has failed). An amount larger than the whole limit goes through once nothing else counts.
   */
  take(key: string, units = 1, signal?: AbortSignal): Promise<Done> {
    const w = this.window(key);
    const turn = w.tail.then(() => this.spend(w, units, signal));
    // The next waiter goes on whatever happened to this one (a cancelled wait spends nothing).
    w.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Milliseconds until `units` would fit (0 if they fit now; Infinity while only answers to requests in flight can make room). */
  waitFor(key: string, units = 1): number {
    return this.delay(this.window(key), units, this.now());
  }

  /** Units counted now: answered within the window, and in flight. */
  used(key: string): number {
    const w = this.window(key);
    w.prune(this.now(), this.windowMs);
    return w.used + w.inFlight;
  }

  private async spend(w: Window, units: number, signal?: AbortSignal): Promise<Done> {
    for (;;) {
      const wait = this.delay(w, units, this.now());
      if (wait === 0) {
        w.inFlight += units;
        let answered = false;
        return () => {
          if (answered) return;
          answered = true;
          w.inFlight -= units;
          // Every entry is stamped "now" when made, so appending keeps them in time order.
          w.entries.push({ at: this.now(), units });
          w.used += units;
          w.wake?.();
        };
      }
      await new Promise<void>((resolve, reject) => {
        const finish = () => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); w.wake = undefined; resolve(); };
        const onAbort = () => { clearTimeout(timer); w.wake = undefined; reject(abortReason(signal!)); };
        const timer = Number.isFinite(wait) ? setTimeout(finish, wait) : undefined;
        if (signal?.aborted) { onAbort(); return; }
        signal?.addEventListener('abort', onAbort, { once: true });
        w.wake = finish;
      });
    }
  }

  /** How long until enough of the oldest answered units leave the window for `units` to fit. */
  private delay(w: Window, units: number, now: number): number {
    w.prune(now, this.windowMs);
    const counted = w.used + w.inFlight;
    if (counted === 0 || counted + units <= this.limit) return 0;
    let freed = 0;
    for (let i = w.head; i < w.entries.length; i++) {
      const e = w.entries[i]!;
      freed += e.units;
      if (counted - freed + units <= this.limit) return Math.max(1, e.at + this.windowMs - now + 1);
    }
    // More than the limit at once: it goes when nothing else counts, after the last entry leaves.
    const last = w.entries[w.entries.length - 1];
    if (w.inFlight === 0 && last && w.entries.length > w.head) return Math.max(1, last.at + this.windowMs - now + 1);
    return Infinity;
  }

  private window(key: string): Window {
    const k = key.toLowerCase();
    let w = this.windows.get(k);
    if (!w) { w = new Window(); this.windows.set(k, w); }
    return w;
  }
}
